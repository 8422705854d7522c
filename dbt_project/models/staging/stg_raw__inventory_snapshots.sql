with

source as (
    select * from {{ source('raw', 'inventory_snapshot_daily') }}
),

renamed as (
    select
        id as inventory_snapshot_id,
        date,
        store_id,
        product_id,
        on_hand_qty,
        on_order_qty,
        is_stockout
    from source
),

final as (
    select * from renamed
)

select * from final
