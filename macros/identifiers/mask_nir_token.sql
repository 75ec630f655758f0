{#- A text as is, or '<masked>' when it holds a NIR (macro raw_data_shapes: nir_token), whatever
    its column: a NIR shifted into another field must not leave staging in clear. -#}
{% macro mask_nir_token(expression) -%}
    case
        when {{ regex_full_match("replace(" ~ expression ~ ", ' ', '')", raw_data_shapes()['nir_token']) }}
            then '<masked>'
        else {{ expression }}
    end
{%- endmacro %}
