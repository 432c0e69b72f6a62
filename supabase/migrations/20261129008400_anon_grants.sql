-- ==================================================================================================
-- anon executes only what it must. The embedding-dimension constant was executable by anon, which can
-- neither write nor search knowledge; the execute-grant review (docs/hardening.md) found it.
-- ==================================================================================================

revoke execute on function private.embedding_dimensions() from anon;
