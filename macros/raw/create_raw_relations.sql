{#- Exposes each raw file as a relation in schema `raw`, so that sources read the same way on every engine. -#}
{% macro create_raw_relations() -%}
    {{ return(adapter.dispatch('create_raw_relations')()) }}
{%- endmacro %}

{#- Engines with a loader (Postgres, Spark) fill `raw` before dbt runs: nothing to do here. -#}
{% macro default__create_raw_relations() -%}
    select 1 as raw_relations_loaded_elsewhere
{%- endmacro %}

{#- DuckDB reads NAME.csv or NAME.parquet in place: one all-text view per file, with its line number. -#}
{% macro duckdb__create_raw_relations() -%}
    {%- if execute -%}
        {%- set raw_dir = env_var('RAW_DATA_DIR', 'data/raw') -%}
        {%- set raw_pattern = duckdb_literal_path(raw_dir) -%}
        {%- do run_query('create schema if not exists raw') -%}
        {%- for node in graph.sources.values() if node.schema == 'raw' -%}
            {%- set name = node.identifier -%}
            {%- set found = run_query(
                "select file from glob('" ~ raw_pattern ~ "/" ~ name ~ ".csv')"
                ~ " union all select file from glob('" ~ raw_pattern ~ "/" ~ name ~ ".parquet')"
            ).columns[0].values() -%}
            {%- if found | length == 0 -%}
                {{ exceptions.raise_compiler_error(raw_dir ~ "/" ~ name ~ ".csv: file-level error, missing file (no " ~ name ~ ".csv nor " ~ name ~ ".parquet)") }}
            {%- elif found | length > 1 -%}
                {{ exceptions.raise_compiler_error(raw_dir ~ "/" ~ name ~ ": file-level error, both " ~ name ~ ".csv and " ~ name ~ ".parquet exist; keep one") }}
            {%- endif -%}
            {%- set path = duckdb_literal_path(found[0]) -%}
            {%- if path.endswith('.parquet') -%}
                {%- set reader = "read_parquet('" ~ path ~ "')" -%}
                {%- set fields = duckdb__parquet_as_contract_text(name, reader) -%}
            {%- else -%}
                {%- set reader = "read_csv('" ~ path ~ "', header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"')" -%}
                {%- set fields = 'columns(*)::varchar' -%}
            {%- endif -%}
            {%- do run_query(
                "create or replace view raw." ~ name ~ " as select row_number() over () as _raw_line, " ~ fields ~ " from " ~ reader
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1 as raw_relations_created
{%- endmacro %}

{#- The columns of a Parquet file as the contract's text: a timestamp at midnight in a date column
    as YYYY-MM-DD, a whole-second timestamp in a timestamp column as YYYY-MM-DD HH:MM:SS; every
    other value (integers, booleans, strings) as DuckDB writes it, so that a lossy value (a time of
    day in a date) keeps a shape the quarantine rejects as bad_type. -#}
{% macro duckdb__parquet_as_contract_text(table_name, reader) -%}
    {%- set types = {} -%}
    {%- for column in contract_of(table_name).columns -%}
        {%- do types.update({column.name: column.type}) -%}
    {%- endfor -%}
    {%- set described = run_query('describe select * from ' ~ reader) -%}
    {%- set fields = [] -%}
    {%- for row in described.rows -%}
        {%- set quoted = adapter.quote(row[0]) -%}
        {%- set kind = types.get(row[0]) -%}
        {%- set field = 'cast(' ~ quoted ~ ' as varchar)' -%}
        {%- if row[1].upper().startswith('TIMESTAMP') and 'TIME ZONE' not in row[1].upper() and kind in ('date', 'timestamp') -%}
            {%- set whole = "cast(" ~ quoted ~ " as time) = time '00:00:00'" if kind == 'date'
                else "date_trunc('second', " ~ quoted ~ ") = " ~ quoted -%}
            {%- set layout = '%Y-%m-%d' if kind == 'date' else '%Y-%m-%d %H:%M:%S' -%}
            {%- set field = 'case when ' ~ whole ~ " then strftime(" ~ quoted ~ ", '" ~ layout ~ "') else " ~ field ~ ' end' -%}
        {%- endif -%}
        {%- do fields.append(field ~ ' as ' ~ quoted) -%}
    {%- endfor -%}
    {{ return(fields | join(', ')) }}
{%- endmacro %}

{#- A file path as the body of a DuckDB string literal that glob() and the readers match literally:
    they read a path as a pattern, so [, * and ? become the one-character classes [[], [*], [?]
    (a folder named "d [a]" would otherwise match "d a"), and a quote is doubled. -#}
{% macro duckdb_literal_path(path) -%}
    {{- return(path | replace('[', '[[]') | replace('*', '[*]') | replace('?', '[?]') | replace("'", "''")) -}}
{%- endmacro %}

{#- Spark reads NAME.csv or NAME.parquet in place too: one all-text view per file. Its line number is
    not Spark's row order (a file is read in parallel splits): each line is ordered by the offset of
    the split it came from, then by its position in that split, which is its place in the file. -#}
{% macro spark__create_raw_relations() -%}
    {%- if execute -%}
        {%- set raw_dir = env_var('RAW_DATA_DIR', 'data/raw') | replace('`', '') -%}
        {%- do run_query('create database if not exists raw') -%}
        {#- Spark lists the folder's files without reading them (the path column only). -#}
        {%- set listed = run_query("select path from binaryFile.`" ~ raw_dir ~ "/*.{csv,parquet}`").columns[0].values() -%}
        {%- for node in graph.sources.values() if node.schema == 'raw' -%}
            {%- set name = node.identifier -%}
            {%- set found = [] -%}
            {%- for path in listed if path.split('/')[-1] in (name ~ '.csv', name ~ '.parquet') -%}
                {%- do found.append(path) -%}
            {%- endfor -%}
            {%- if found | length == 0 -%}
                {{ exceptions.raise_compiler_error(raw_dir ~ "/" ~ name ~ ".csv: file-level error, missing file (no " ~ name ~ ".csv nor " ~ name ~ ".parquet)") }}
            {%- elif found | length > 1 -%}
                {{ exceptions.raise_compiler_error(raw_dir ~ "/" ~ name ~ ": file-level error, both " ~ name ~ ".csv and " ~ name ~ ".parquet exist; keep one") }}
            {%- endif -%}
            {%- set path = found[0] -%}
            {%- if path.endswith('.parquet') -%}
                {%- set columns = run_query("select * from parquet.`" ~ path ~ "` limit 0").column_names -%}
                {%- set scan = "select *, input_file_block_start() as _block_start, monotonically_increasing_id() as _position from parquet.`" ~ path ~ "`" -%}
                {%- set fields -%}
                    {%- for column in columns %}cast(`{{ column }}` as string) as `{{ column }}`{{ ', ' if not loop.last }}{% endfor -%}
                {%- endset -%}
                {%- set numbered = "select cast(row_number() over (order by _block_start, _position) as bigint) as _raw_line, " ~ fields ~ " from (" ~ scan ~ ")" -%}
            {%- else -%}
                {#- The header names the columns; every field is parsed as text with the contract's quoting. -#}
                {%- set header = run_query("select value from text.`" ~ path ~ "` where input_file_block_start() = 0 limit 1").columns[0].values()[0] -%}
                {%- set columns = header | replace('\ufeff', '') | replace('"', '') | replace('\r', '') | trim -%}
                {%- set schema -%}
                    {%- for column in columns.split(',') %}`{{ column | trim }}` string{{ ', ' if not loop.last }}{% endfor -%}
                {%- endset -%}
                {%- set scan = "select value, input_file_block_start() as _block_start, monotonically_increasing_id() as _position from text.`" ~ path ~ "` where value <> ''" -%}
                {%- set lines = "select cast(row_number() over (order by _block_start, _position) - 1 as bigint) as _raw_line, value from (" ~ scan ~ ")" -%}
                {%- set numbered = "select _raw_line, from_csv(value, '" ~ schema ~ "', map('sep', ',', 'quote', '\"', 'escape', '\"')) as _fields from (" ~ lines ~ ") where _raw_line > 0" -%}
                {%- set numbered = "select _raw_line, _fields.* from (" ~ numbered ~ ")" -%}
            {%- endif -%}
            {%- do run_query("create or replace view raw." ~ name ~ " as " ~ numbered) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1 as raw_relations_created
{%- endmacro %}
