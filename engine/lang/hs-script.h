/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-script.h: reading a script (.cmm): the commands in it, one per line.
 *
 * The one reader for every script, whoever runs it (DO, --batch, a session):
 * blank lines and comments (";", "//") are not commands, ENDDO ends the
 * script, and each command keeps its line number for messages. A script is
 * input Hyperscope does not control: it must be a regular file of valid
 * UTF-8 no bigger than HS_SCRIPT_MAX_BYTES.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HS_SCRIPT_MAX_BYTES (4u << 20)

typedef struct
{
  char *text;                   /* the command, without surrounding blanks */
  guint line;                   /* 1-based, in the file */
} HsScriptLine;

void       hs_script_line_free (HsScriptLine *line);
/* Returns: (transfer full): an array of HsScriptLine, or NULL and the reason. */
GPtrArray *hs_script_parse     (const char   *text,
                                gsize         length);
GPtrArray *hs_script_read      (const char   *path,
                                GError      **error);
/* The file's text (NUL-terminated, @length bytes without the NUL), checked as above. */
char      *hs_script_read_text (const char   *path,
                                gsize        *length,
                                GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsScriptLine, hs_script_line_free)

G_END_DECLS
