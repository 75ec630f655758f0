{#- siret_format: 14 digits, Luhn-valid. La Poste's SIRETs (SIREN 356000000) need a digit sum multiple of 5
    instead, except its head office 35600000000048, which is Luhn-valid (as python-stdnum checks it). -#}
{% macro is_valid_siret(expression) -%}
    case
        when not {{ regex_full_match(expression, '[0-9]{14}') }} then false
        when substring({{ expression }}, 1, 9) = '356000000' and {{ expression }} <> '35600000000048'
            then mod({{ digit_sum(expression, 14) }}, 5) = 0
        else mod({{ luhn_checksum(expression, 14) }}, 10) = 0
    end
{%- endmacro %}
