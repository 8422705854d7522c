{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['store_id', 'product_id', 'date'],
        on_schema_change='fail',
        tags=['daily'],
        pre_hook="{{ delete_daily_range() }}",
        indexes=[{'columns': ['date']}],
    )
}}

{#-
    Spec §5.3's default feature set, one row per observed sales row (D-10: lags and windows
    count observed rows, not calendar days). Names and order are the contract of
    forecastlab.features.columns; the parameters below are §5.1's defaults.
-#}
{%- set lags = [1, 7, 14, 28] -%}
{%- set windows = [7, 14, 28] -%}
{%- set price_lags = [7, 28] -%}
{%- set price_change_period = 7 -%}
{%- set lookback_rows = var('feature_lookback_rows', 28) | int -%}
{%- set reach = [lags | max, windows | max, price_lags | max, price_change_period + 1] | max -%}
{%- if lookback_rows < reach -%}
    {{ exceptions.raise_compiler_error(
        "var feature_lookback_rows=" ~ lookback_rows ~ " is smaller than the largest "
        ~ "lag/window (" ~ reach ~ " rows): the incremental refresh would differ from a full one"
    ) }}
{%- endif %}

with

sales as (
    select
        store_id,
        product_id,
        date,
        quantity,
        unit_price
    from {{ ref('fct_sales_daily') }}
    {% if is_incremental() %}
    where {{ daily_range_filter('date') }}
    {% endif %}
),

{% if is_incremental() %}
touched_series as (
    select distinct
        store_id,
        product_id
    from sales
),

context as (
    -- each touched series' last rows before the range: enough history for every lag/window
    select history.*
    from touched_series
    cross join lateral (
        select
            prior.store_id,
            prior.product_id,
            prior.date,
            prior.quantity,
            prior.unit_price
        from {{ ref('fct_sales_daily') }} as prior
        where
            prior.store_id = touched_series.store_id
            and prior.product_id = touched_series.product_id
            and prior.date < {{ daily_range_start() }}
        order by prior.date desc
        limit {{ lookback_rows }}
    ) as history
),

observed as (
    select * from context
    union all
    select * from sales
),
{% else %}
observed as (
    select * from sales
),
{% endif %}

windowed as (
    -- windows end the row before: rows i-w … i-1 (a one-row shift, never the row itself)
    select
        store_id,
        product_id,
        date,
        quantity,
        row_number() over series_by_date - 1 as prior_rows,
        {%- for k in lags %}
        lag(quantity, {{ k }}) over series_by_date as quantity_lag_{{ k }},
        {%- endfor %}
        {%- for w in windows %}
        sum(quantity::bigint) over (
            series_by_date rows between {{ w }} preceding and 1 preceding
        ) as quantity_sum_{{ w }},
        sum(quantity::bigint * quantity) over (
            series_by_date rows between {{ w }} preceding and 1 preceding
        ) as quantity_sumsq_{{ w }},
        {%- endfor %}
        {%- for k in price_lags %}
        lag(unit_price, {{ k }}) over series_by_date as price_lag_{{ k }},
        {%- endfor %}
        lag(unit_price, 1) over series_by_date as price_prev,
        lag(unit_price, {{ price_change_period + 1 }}) over series_by_date as price_base
    from observed
    window series_by_date as (partition by store_id, product_id order by date)
),

target_rows as (
    select * from windowed
    {% if is_incremental() %}
    where {{ daily_range_filter('date') }}
    {% endif %}
),

calendar as (
    select * from {{ ref('stg_raw__calendar') }}
),

promotion_days as (
    select distinct
        promotions.product_id,
        promotions.store_id,
        cast(promo_day as date) as date
    from {{ ref('stg_raw__promotions') }} as promotions
    cross join lateral generate_series(
        promotions.start_date, promotions.end_date, interval '1 day'
    ) as promo_day
    {% if is_incremental() %}
    where
        promotions.end_date >= {{ daily_range_start() }}
        and promotions.start_date <= {{ daily_range_end() }}
    {% endif %}
),

store_promotion_days as (
    select * from promotion_days where store_id is not null
),

chain_promotion_days as (
    select * from promotion_days where store_id is null
),

inventory as (
    select * from {{ ref('stg_raw__inventory_snapshots') }}
),

features as (
    select
        target_rows.store_id,
        target_rows.product_id,
        target_rows.date,
        target_rows.quantity,
        {%- for k in lags %}
        cast(target_rows.quantity_lag_{{ k }} as double precision) as lag_{{ k }},
        {%- endfor %}
        {%- for w in windows %}
        case
            when target_rows.prior_rows >= {{ w }}
                then target_rows.quantity_sum_{{ w }}::double precision / {{ w }}
        end as rolling_mean_{{ w }},
        -- sample std from exact integer sums: (w·Σx² − (Σx)²) / (w·(w − 1))
        case
            when target_rows.prior_rows >= {{ w }} and {{ w }} > 1
                then sqrt(
                    (
                        {{ w }} * target_rows.quantity_sumsq_{{ w }}
                        - target_rows.quantity_sum_{{ w }} * target_rows.quantity_sum_{{ w }}
                    )::double precision
                    / {{ w * (w - 1) }}
                )
        end as rolling_std_{{ w }},
        {%- endfor %}
        {{ calendar_feature_columns('target_rows.date', 'coalesce(calendar.is_holiday, false)') }},
        {%- for k in price_lags %}
        target_rows.price_lag_{{ k }},
        {%- endfor %}
        (target_rows.price_prev - target_rows.price_base)
        / nullif(target_rows.price_base, 0) as price_pct_change_{{ price_change_period }}d,
        case
            when store_promotion_days.date is not null or chain_promotion_days.date is not null
                then 1
            else 0
        end as promo_active,
        -- the snapshot of calendar day d-1, not the previous observed row (see DESIGN.md)
        case
            when inventory.is_stockout then 1
            when not inventory.is_stockout then 0
        end as stockout_lag_1
    from target_rows
    left join calendar
        on target_rows.date = calendar.date
    left join store_promotion_days
        on
            target_rows.product_id = store_promotion_days.product_id
            and target_rows.store_id = store_promotion_days.store_id
            and target_rows.date = store_promotion_days.date
    left join chain_promotion_days
        on
            target_rows.product_id = chain_promotion_days.product_id
            and target_rows.date = chain_promotion_days.date
    left join inventory
        on
            target_rows.store_id = inventory.store_id
            and target_rows.product_id = inventory.product_id
            and target_rows.date - 1 = inventory.date
),

final as (
    select * from features
)

select * from final
