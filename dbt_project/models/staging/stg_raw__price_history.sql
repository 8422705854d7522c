with

source as (
    select * from {{ source('raw', 'price_history') }}
),

renamed as (
    select
        id as price_history_id,
        product_id,
        store_id,
        store_id is null as is_chain_wide,
        cast(price as double precision) as price,
        valid_from,
        valid_to
    from source
),

final as (
    select * from renamed
)

select * from final
