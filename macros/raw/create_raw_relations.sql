{#- Exposes each raw file as a relation in schema `raw`, so that sources read the same way on every engine. -#}
{% macro create_raw_relations() -%}
    {{ return(adapter.dispatch('create_raw_relations')()) }}
{%- endmacro %}

{#- Engines with a loader (Postgres, Spark) fill `raw` before dbt runs: nothing to do here. -#}
{% macro default__create_raw_relations() -%}
    select 1 as raw_relations_loaded_elsewhere
{%- endmacro %}

{#- DuckDB reads NAME.csv or NAME.parquet in place: one all-text view per file, with its line number.
    A table whose source declares `meta: {deliveries: folder}` may also come as a folder NAME/ of
    delivery files named by their delivery date (YYYY-MM-DD.csv), beside or instead of NAME.csv:
    see duckdb__create_delivery_relations. -#}
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
            {%- set deliveries = [] -%}
            {%- if (node.meta or {}).get('deliveries') == 'folder' -%}
                {%- set deliveries = run_query(
                    "select file from glob('" ~ raw_pattern ~ "/" ~ name ~ "/*') order by file"
                ).columns[0].values() -%}
            {%- endif -%}
            {%- if found | length == 0 and deliveries | length == 0 -%}
                {{ exceptions.raise_compiler_error(raw_dir ~ "/" ~ name ~ ".csv: file-level error, missing file (no " ~ name ~ ".csv nor " ~ name ~ ".parquet" ~ (" nor delivery files in " ~ name ~ "/" if (node.meta or {}).get('deliveries') == 'folder' else "") ~ ")") }}
            {%- elif found | length > 1 -%}
                {{ exceptions.raise_compiler_error(raw_dir ~ "/" ~ name ~ ": file-level error, both " ~ name ~ ".csv and " ~ name ~ ".parquet exist; keep one") }}
            {%- endif -%}
            {%- if (node.meta or {}).get('deliveries') == 'folder' -%}
                {%- do duckdb__create_delivery_relations(node.source_name, name, found, deliveries) -%}
            {%- else -%}
                {%- do run_query("create or replace view raw." ~ name ~ " as " ~ duckdb__raw_file_select(name, found[0])) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    select 1 as raw_relations_created
{%- endmacro %}

{#- One raw file as all-text columns under the contract's names, numbered from 1 in file order. -#}
{% macro duckdb__raw_file_select(name, file, line_offset=0) -%}
    {%- set path = duckdb_literal_path(file) -%}
    {%- if path.endswith('.parquet') -%}
        {%- set reader = "read_parquet('" ~ path ~ "')" -%}
        {%- set fields = duckdb__parquet_as_contract_text(name, reader) -%}
    {%- else -%}
        {%- set reader = "read_csv('" ~ path ~ "', header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"')" -%}
        {%- set fields = 'columns(*)::varchar' -%}
    {%- endif -%}
    {{ return("select " ~ (line_offset ~ " + " if line_offset else "") ~ "row_number() over () as _raw_line, " ~ fields ~ " from " ~ reader) }}
{%- endmacro %}

{#- A table delivered as NAME.csv (the history, optional) and a folder NAME/ of delivery files
    YYYY-MM-DD.csv, one per delivery day. Two views:
    - raw.NAME, every file: what a full refresh and the data tests read;
    - raw.NAME__new, only what the fact has not loaded: the delivery files it has no row of, and the
      history file when its size differs from the size loaded (it was appended to). An incremental
      run of the fact reads this one, so a daily delivery costs its own rows.
    `_raw_line` orders rows as they were delivered and never changes once loaded: the history
    file's line number, or delivery date (YYYYMMDD) x 10^8 + line. `_delivery` names the file and
    `_delivery_bytes` its size. Refused, one line each: a file of the folder not named by a date; a
    delivery loaded already whose size changed (re-sent under the same name with other rows); a new
    delivery dated before one already loaded. A delivery re-sent unchanged is not read again. -#}
{% macro duckdb__create_delivery_relations(source_name, name, history, deliveries) -%}
    {%- set raw_dir = env_var('RAW_DATA_DIR', 'data/raw') -%}
    {%- set history_name = name ~ '.csv' -%}
    {%- set files = [] -%}
    {#- The history may be NAME.csv or NAME.parquet: either is the history file, `NAME.csv` by name. -#}
    {%- for file in history -%}
        {%- do files.append({'path': file, 'name': history_name, 'offset': 0}) -%}
    {%- endfor -%}
    {%- for file in deliveries -%}
        {%- set base = file.replace('\\', '/').split('/')[-1] -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}[.]csv', base) -%}
            {{ exceptions.raise_compiler_error(raw_dir ~ "/" ~ name ~ "/" ~ base ~ ": file-level error, a delivery file is named by its delivery date, YYYY-MM-DD.csv") }}
        {%- endif -%}
        {%- do files.append({'path': file, 'name': base, 'offset': (base[:10] | replace('-', '') | int) * 100000000}) -%}
    {%- endfor -%}
    {%- set quoted = [] -%}
    {%- for file in files -%}
        {%- do quoted.append("'" ~ duckdb_literal_path(file.path) ~ "'") -%}
    {%- endfor -%}
    {%- set sizes = {} -%}
    {%- for row in run_query("select filename, size from read_blob([" ~ quoted | join(', ') ~ "])").rows -%}
        {%- set base = row[0].replace('\\', '/').split('/')[-1] -%}
        {%- do sizes.update({history_name if base in (name ~ '.csv', name ~ '.parquet') else base: row[1]}) -%}
    {%- endfor -%}

    {#- What the fact holds: each file's name and the size it had when loaded. Catalog queries, not
        adapter.get_relation, which opens a transaction the hook then rolls back with its views. -#}
    {%- set fact_name = 'base_' ~ source_name ~ '__' ~ name -%}
    {%- set loaded = {} -%}
    {%- set has_files = run_query(
        "select count(*) from duckdb_columns() where schema_name = 'staging'"
        ~ " and table_name = '" ~ fact_name ~ "' and column_name = 'delivery_file'"
    ).columns[0].values()[0] -%}
    {%- if has_files > 0 and not flags.FULL_REFRESH -%}
        {%- for row in run_query("select delivery_file, max(delivery_bytes) from staging." ~ fact_name ~ " group by delivery_file").rows -%}
            {%- do loaded.update({row[0]: row[1]}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set loaded_deliveries = loaded.keys() | reject('equalto', history_name) | list | sort -%}
    {%- set latest = loaded_deliveries | last if loaded_deliveries else none -%}

    {%- set all_parts, new_parts = [], [] -%}
    {%- for file in files -%}
        {%- set select = duckdb__raw_file_select(name, file.path, file.offset) -%}
        {%- set part = "select *, '" ~ file.name ~ "' as _delivery, cast(" ~ sizes[file.name] ~ " as bigint) as _delivery_bytes from (" ~ select ~ ")" -%}
        {%- do all_parts.append(part) -%}
        {%- if file.name in loaded -%}
            {%- if loaded[file.name] != sizes[file.name] -%}
                {%- if file.name == history_name -%}
                    {%- do new_parts.append(part) -%}
                {%- else -%}
                    {{ exceptions.raise_compiler_error(raw_dir ~ "/" ~ name ~ "/" ~ file.name ~ ": file-level error, this delivery was loaded with " ~ loaded[file.name] ~ " bytes and now has " ~ sizes[file.name] ~ ": a delivery is never re-sent with other rows; send them under a new date, or rebuild with --full-refresh") }}
                {%- endif -%}
            {%- endif -%}
        {%- elif file.name != history_name and latest is not none and file.name < latest -%}
            {{ exceptions.raise_compiler_error(raw_dir ~ "/" ~ name ~ "/" ~ file.name ~ ": file-level error, delivered after " ~ latest ~ " was loaded: deliveries are loaded in date order; rename it to a later date, or rebuild with --full-refresh") }}
        {%- else -%}
            {%- do new_parts.append(part) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if new_parts | length == 0 -%}
        {%- do new_parts.append(all_parts[0] ~ " limit 0") -%}
    {%- endif -%}
    {%- do run_query("create or replace view raw." ~ name ~ " as " ~ all_parts | join(' union all ')) -%}
    {%- do run_query("create or replace view raw." ~ name ~ "__new as " ~ new_parts | join(' union all ')) -%}
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
