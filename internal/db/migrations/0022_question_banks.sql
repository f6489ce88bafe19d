-- compat: keeps
-- Question banks of knowledge contests and quizzes: owned by an
-- organisation and usable by its subtree (internal/contest/bank).
CREATE TABLE question_banks (
    id          ID_PK,
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    -- A copy of the owner's path (kept by internal/org on moves): staff
    -- listings are a range of it, the banks above a caller an IN over the
    -- ancestors of their subtrees.
    org_path    TEXT_C NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- Kept with the questions, in their transactions.
    questions   INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1,
    created_by  BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX question_banks_name ON question_banks (org_id, name);
CREATE INDEX question_banks_path ON question_banks (org_path, id);

CREATE TABLE questions (
    id          ID_PK,
    bank_id     BIGINT NOT NULL REFERENCES question_banks(id) ON DELETE CASCADE,
    -- The order staff wrote or imported them in.
    position    BIGINT NOT NULL,
    type        TEXT NOT NULL,
    stem        TEXT NOT NULL,
    -- The type and the stem folded (white space and width): a question
    -- already in the bank is skipped by a re-import of the same file.
    stem_key    TEXT NOT NULL,
    -- A JSON array of the options' texts (choice questions).
    options     TEXT NOT NULL DEFAULT '[]',
    -- A JSON bank.Key; it never leaves the server before a paper is submitted.
    answer_key  TEXT NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    category    TEXT NOT NULL DEFAULT '',
    difficulty  INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX questions_stem ON questions (bank_id, stem_key);
CREATE INDEX questions_position ON questions (bank_id, position);
-- Papers drawn at random: n questions of a category, difficulty and type.
CREATE INDEX questions_draw ON questions (bank_id, category, difficulty, type);
