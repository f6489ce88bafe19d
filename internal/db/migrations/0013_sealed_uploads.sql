-- compat: breaks: uploads are sealed from now on; older programs wrote and read them in clear
-- Uploaded rosters are now kept sealed with the data key (internal/job) and
-- the keys' check values live in settings (internal/app/keys.go). Files
-- uploaded before were stored in clear: drop them now rather than keep
-- personal data readable in the file and in every backup for another day.
-- Their jobs keep their results.
UPDATE jobs SET upload_id = NULL WHERE upload_id IS NOT NULL;
DELETE FROM uploads;
