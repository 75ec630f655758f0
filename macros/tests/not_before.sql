{#- Generic test: a date column is never before another column of the same row (date order). -#}
{% test not_before(model, column_name, start_column) %}
    select {{ start_column }}, {{ column_name }}
    from {{ model }}
    where {{ column_name }} < {{ start_column }}
{% endtest %}
