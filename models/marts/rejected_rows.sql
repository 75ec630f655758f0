-- Every rejected raw row under the mart's contract; the union of the quarantines is
-- int_raw_rows_rejected.
select * from {{ ref('int_raw_rows_rejected') }}
