{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['store_id', 'product_id', 'date'],
        on_schema_change='fail',
        tags=['daily'],
        pre_hook="{{ delete_daily_range() }}",
        indexes=[
            {'columns': ['store_id', 'product_id', 'date'], 'unique': true},
            {'columns': ['date']},
        ],
    )
}}

with

sales as (
    select * from {{ ref('stg_raw__sales_daily') }}
    {% if is_incremental() %}
    where {{ daily_range_filter('date') }}
    {% endif %}
),

final as (
    select
        sales_id,
        date,
        store_id,
        product_id,
        quantity,
        unit_price,
        total_amount,
        channel
    from sales
)

select * from final
