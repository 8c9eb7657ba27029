// Local placeholder so the package builds in the site worktree; not committed.
