{#- nir_format: sex, year, month (01-12 or 20-99), department (or 2A/2B), commune, order, and the key
    97 - (first 13 characters as a number, 2A -> 19, 2B -> 18) mod 97. -#}
{% macro is_valid_nir(expression) -%}
    case
        when not {{ regex_full_match(
            expression,
            '[12][0-9]{2}(0[1-9]|1[0-2]|[2-9][0-9])([0-9]{2}|2A|2B)[0-9]{6}[0-9]{2}'
        ) }} then false
        else 97 - mod(
            cast(replace(replace(substring({{ expression }}, 1, 13), '2A', '19'), '2B', '18') as bigint),
            97
        ) = cast(substring({{ expression }}, 14, 2) as integer)
    end
{%- endmacro %}
