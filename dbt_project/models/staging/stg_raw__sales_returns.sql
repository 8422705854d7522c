with

source as (
    select * from {{ source('raw', 'sales_returns') }}
),

renamed as (
    select
        id as sales_return_id,
        date,
        store_id,
        product_id,
        return_quantity,
        return_reason
    from source
),

final as (
    select * from renamed
)

select * from final
