{#- Each combination of the given columns occurs at most once (the model's grain). -#}
{% test unique_combination(model, combination_of_columns) %}

with

grouped as (
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
),

final as (
    select * from grouped
    where n_rows > 1
)

select * from final

{% endtest %}
