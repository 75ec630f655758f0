{#- siren_format: 9 digits, Luhn-valid; La Poste's SIREN 356000000 is valid as an exception. -#}
{% macro is_valid_siren(expression) -%}
    case
        when not {{ regex_full_match(expression, '[0-9]{9}') }} then false
        when {{ expression }} = '356000000' then true
        else mod({{ luhn_checksum(expression, 9) }}, 10) = 0
    end
{%- endmacro %}
