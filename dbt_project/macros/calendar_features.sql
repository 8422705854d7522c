{#-
    The calendar feature columns of spec §5.3 step 4 (cyclical encoding on, year off) as pure
    functions of a date, so dim_calendar and fct_sales_features share one definition.
    day of week: 0 = Monday … 6 = Sunday.
-#}
{% macro day_of_week(date_column) -%}
    (cast(extract(isodow from {{ date_column }}) as integer) - 1)
{%- endmacro %}

{% macro calendar_feature_columns(date_column, is_holiday_column) -%}
        sin(2 * pi() * {{ day_of_week(date_column) }} / 7.0) as dow_sin,
        cos(2 * pi() * {{ day_of_week(date_column) }} / 7.0) as dow_cos,
        sin(2 * pi() * extract(month from {{ date_column }}) / 12.0)::double precision as month_sin,
        cos(2 * pi() * extract(month from {{ date_column }}) / 12.0)::double precision as month_cos,
        cast(extract(quarter from {{ date_column }}) as integer) as quarter,
        case when {{ day_of_week(date_column) }} in (5, 6) then 1 else 0 end as is_weekend,
        case when extract(day from {{ date_column }} + 1) = 1 then 1 else 0 end as is_month_end,
        case when {{ is_holiday_column }} then 1 else 0 end as is_holiday
{%- endmacro %}
