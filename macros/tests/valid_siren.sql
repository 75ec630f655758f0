{#- Generic test: every non-NULL value is a valid SIREN (siren_format). -#}
{% test valid_siren(model, column_name) %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} is not null
        and not {{ is_valid_siren(column_name) }}
{% endtest %}
