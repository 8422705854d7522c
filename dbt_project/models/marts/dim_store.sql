with

stores as (
    select * from {{ ref('stg_raw__stores') }}
),

final as (
    select
        store_id,
        store_code,
        store_name,
        region,
        city,
        store_type
    from stores
)

select * from final
