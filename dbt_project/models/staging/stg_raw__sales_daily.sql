with

source as (
    select * from {{ source('raw', 'sales_daily') }}
),

renamed as (
    select
        id as sales_id,
        date,
        store_id,
        product_id,
        quantity,
        cast(unit_price as double precision) as unit_price,
        cast(total_amount as double precision) as total_amount,
        channel
    from source
),

final as (
    select * from renamed
)

select * from final
