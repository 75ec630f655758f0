{#- Sum of the Luhn algorithm over a text of `length` digits (every second digit from the right doubled).
    The caller checks first that the text is `length` digits. -#}
{% macro luhn_checksum(expression, length) -%}
    (
    {%- for position in range(1, length + 1) %}
        {%- set digit = "cast(substring(" ~ expression ~ ", " ~ position ~ ", 1) as integer)" %}
        {%- if (length - position) % 2 == 1 %}
        {{ '+ ' if not loop.first }}cast(substring('0246813579', {{ digit }} + 1, 1) as integer)
        {%- else %}
        {{ '+ ' if not loop.first }}{{ digit }}
        {%- endif %}
    {%- endfor %}
    )
{%- endmacro %}

{#- Plain sum of the digits, for La Poste's SIRET rule. -#}
{% macro digit_sum(expression, length) -%}
    (
    {%- for position in range(1, length + 1) %}
        {{ '+ ' if not loop.first }}cast(substring({{ expression }}, {{ position }}, 1) as integer)
    {%- endfor %}
    )
{%- endmacro %}
