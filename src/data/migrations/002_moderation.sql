-- Moderation outcome of each article and comment. 'review' is the fallback when the moderation
-- service failed, was too slow or its breaker was open: the content was accepted and a person must
-- look at it. 'unchecked': moderation was off (and every row written before this column existed).
-- A constant default adds the column without rewriting the table.
ALTER TABLE articles ADD COLUMN moderation_status text NOT NULL DEFAULT 'unchecked'
  CHECK (moderation_status IN ('approved', 'flagged', 'review', 'unchecked'));
ALTER TABLE comments ADD COLUMN moderation_status text NOT NULL DEFAULT 'unchecked'
  CHECK (moderation_status IN ('approved', 'flagged', 'review', 'unchecked'));
