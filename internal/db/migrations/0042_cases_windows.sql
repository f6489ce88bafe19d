-- compat: keeps
-- A subtree's overdue cases (an open status, the deadline passed): one
-- range per status over the deadline, read from the index alone. Overdue
-- cases are few (they are escalated) where a district's open cases are
-- many, so this walks far fewer entries than cases_status's range over the
-- district's paths; a single status in deadline order needs no sort.
CREATE INDEX cases_overdue ON cases (status, due_at, org_path, received_at, id);
-- The newest cases of one status, walked backwards: the window List looks
-- through before sorting (see rights.Store.List), for closed cases, whose
-- newest are long past and seldom among the city's newest cases.
CREATE INDEX cases_status_recent ON cases (status, received_at, id, org_path, due_at);
