{#-
    Date range of an incremental run of a `daily` model.
    vars min_date / max_date (ISO dates, Dagster's partition range) bound the dates to
    (re)compute; without min_date the run starts after the newest date already in {{ this }}.
-#}
{% macro _date_var(name) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set value = value | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', value) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be an ISO date (YYYY-MM-DD), got " ~ value) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{% macro daily_range_start() -%}
    {%- set min_date = _date_var('min_date') -%}
    {%- if min_date is not none -%}
        date '{{ min_date }}'
    {%- else -%}
        (select coalesce(max(date) + 1, date '-infinity') from {{ this }})
    {%- endif -%}
{%- endmacro %}

{% macro daily_range_end() -%}
    {%- set max_date = _date_var('max_date') -%}
    {%- if max_date is not none -%}
        date '{{ max_date }}'
    {%- else -%}
        date 'infinity'
    {%- endif -%}
{%- endmacro %}

{#- The predicate selecting the rows an incremental run (re)computes. -#}
{% macro daily_range_filter(date_column) -%}
    {{ date_column }} >= {{ daily_range_start() }} and {{ date_column }} <= {{ daily_range_end() }}
{%- endmacro %}

{#-
    pre_hook: when an explicit range is recomputed, first delete the range's rows so that rows
    that disappeared from the source disappear here too (delete+insert alone only replaces
    keys that still exist), and every row dated before raw.calendar's first day: a re-seeded
    or reloaded warehouse whose history now starts later leaves no orphans behind (their ids
    would collide with the new rows'). Runs inside the model's transaction.
-#}
{% macro delete_daily_range() -%}
    {%- if is_incremental() and _date_var('min_date') is not none -%}
        delete from {{ this }} where ({{ daily_range_filter('date') }})
            or date < (select coalesce(min(date), date '-infinity') from {{ source('raw', 'calendar') }})
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
