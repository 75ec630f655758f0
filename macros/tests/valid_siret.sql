{#- Generic test: every non-NULL value is a valid SIRET (siret_format, La Poste's rule included). -#}
{% test valid_siret(model, column_name) %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} is not null
        and not {{ is_valid_siret(column_name) }}
{% endtest %}
