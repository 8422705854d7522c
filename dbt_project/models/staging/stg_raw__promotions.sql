with

source as (
    select * from {{ source('raw', 'promotion') }}
),

renamed as (
    select
        id as promotion_id,
        product_id,
        store_id,
        store_id is null as is_chain_wide,
        name as promotion_name,
        kind as promotion_kind,
        cast(discount_pct as double precision) as discount_pct,
        cast(discount_amount as double precision) as discount_amount,
        start_date,
        end_date,
        bundle_member_product_ids
    from source
),

final as (
    select * from renamed
)

select * from final
