complete --keep-order --exclusive --command whk --arguments "(WHK_COMPLETE=fish whk -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
