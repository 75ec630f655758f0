{#- Rule lists shared by the base models, so each contract rule is written once. -#}

{#- A date (or timestamp) column: text that does not parse is `bad_type`; outside the contract's plausible
    span it is `date_order`. -#}
{% macro date_rules(raw_column, typed_column) -%}
    {%- set rules = [
        {'rule': 'bad_type', 'column': raw_column,
         'broken': raw_column ~ ' is not null and ' ~ typed_column ~ ' is null'},
        {'rule': 'date_order', 'column': raw_column,
         'broken': 'cast(' ~ typed_column ~ ' as date) not between '
            ~ dbt.cast("'" ~ var('contract_min_date') ~ "'", api.Column.translate_type('date')) ~ ' and '
            ~ dbt.cast("'" ~ var('contract_max_date') ~ "'", api.Column.translate_type('date'))},
    ] -%}
    {{ return(rules) }}
{%- endmacro %}

{#- A code that must belong to a seed's set: `is_known` is the boolean the base model derived from a left join. -#}
{% macro set_rule(raw_column, is_known) -%}
    {{ return({'rule': 'not_in_set', 'column': raw_column,
               'broken': raw_column ~ ' is not null and not ' ~ is_known}) }}
{%- endmacro %}

{#- A boolean column: only `true` and `false` are accepted. -#}
{% macro boolean_rule(raw_column) -%}
    {{ return({'rule': 'bad_type', 'column': raw_column,
               'broken': raw_column ~ " is not null and " ~ raw_column ~ " not in ('true', 'false')"}) }}
{%- endmacro %}
