-- The rows the quarantine of the base models rejected, one union over the raw files of the contract.
{% for source_table in raw_data_contract() %}
    {{ rejected_rows_of(source_table) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
