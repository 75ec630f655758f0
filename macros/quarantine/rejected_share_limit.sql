{#- The rejected-row share above which a raw file warns (`level` 'warn') or fails the build ('error'):
    var rejected_share_by_source[<file>][level] when set, else var rejected_share_<level>. -#}
{% macro rejected_share_limit(source_table, level) -%}
    {%- set by_source = var('rejected_share_by_source', {}) -%}
    {{ return(by_source.get(source_table, {}).get(level, var('rejected_share_' ~ level))) }}
{%- endmacro %}
