{#- The calendar year of a date as an integer. -#}
{% macro year_of(expression) -%}
    cast(extract(year from {{ expression }}) as integer)
{%- endmacro %}
