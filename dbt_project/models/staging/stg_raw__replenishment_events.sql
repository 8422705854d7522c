with

source as (
    select * from {{ source('raw', 'replenishment_event') }}
),

renamed as (
    select
        id as replenishment_event_id,
        date as received_date,
        store_id,
        product_id,
        lead_time_days,
        ordered_qty,
        received_qty
    from source
),

final as (
    select * from renamed
)

select * from final
