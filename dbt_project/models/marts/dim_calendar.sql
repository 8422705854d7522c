with

calendar as (
    select * from {{ ref('stg_raw__calendar') }}
),

final as (
    select
        date,
        day_of_week,
        month,
        year,
        holiday_name,
        {{ calendar_feature_columns('date', 'is_holiday') }}
    from calendar
)

select * from final
