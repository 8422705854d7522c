with

source as (
    select * from {{ source('raw', 'calendar') }}
),

renamed as (
    select
        date,
        day_of_week,
        month,
        quarter,
        year,
        is_holiday,
        holiday_name
    from source
),

final as (
    select * from renamed
)

select * from final
