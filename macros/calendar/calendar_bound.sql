{#- A date of the experiment calendar (seed experiment_calendar) as a scalar subquery, so that no model
    writes a calendar date as a literal. `bound` is 'start' or 'end'. -#}
{% macro calendar_bound(window_name, bound='start') -%}
    (
        select {{ bound }}_date
        from {{ ref('experiment_calendar') }}
        where window_name = '{{ window_name }}'
    )
{%- endmacro %}
