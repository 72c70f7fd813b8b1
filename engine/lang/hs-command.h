/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-command.h: the command language's syntax, as pure functions.
 *
 * TRACE32's rules: names are case-insensitive, dotted ("Register.view"),
 * and each part may be shortened down to its capital letters ("r.v",
 * "sYmbol" -> "y"). Arguments are separated by blanks or commas; "/Name"
 * is an option, which may take the next token as its value. A line whose
 * first token starts with ';' or "//" is a comment, and so is the rest of a
 * line from a blank-preceded ';' or "//" on.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HS_COMMAND_ERROR (hs_command_error_quark ())

typedef enum
{
  HS_COMMAND_ERROR_FAILED = 1,
  HS_COMMAND_ERROR_UNKNOWN_COMMAND,
  HS_COMMAND_ERROR_SYNTAX,
  HS_COMMAND_ERROR_BAD_ARGUMENT,
  HS_COMMAND_ERROR_UNKNOWN_OPTION,
} HsCommandError;

GQuark hs_command_error_quark (void);

typedef struct
{
  char *text;
  gsize offset;       /* where it starts in the line, for error messages */
} HsToken;

typedef struct
{
  char *name;         /* as typed, without the '/' */
  char *value;        /* NULL for flags */
} HsCommandOption;

/* A line split into its command word and raw tokens; options are resolved later. */
GPtrArray *hs_command_tokenize          (const char  *line,
                                         GError     **error);
void       hs_token_free                (HsToken     *token);

/* Whether @typed names @spec ("r.v" vs "Register.view"); both may be dotted. */
gboolean   hs_command_name_matches      (const char  *spec,
                                         const char  *typed);
/* The shortest accepted form of @spec ("Register.view" -> "R.v"). */
char      *hs_command_name_abbreviation (const char  *spec);
guint      hs_command_edit_distance     (const char  *a,
                                         const char  *b);
/* Whether a comment starts at @p in @line: ';' or "//" at the start or after a blank or a
 * comma (outside strings: the caller knows where those are). */
gboolean   hs_command_is_comment_start  (const char  *p,
                                         const char  *line);
/* A token as written, without the double quotes around it ("\"a b\"" -> "a b"). */
char      *hs_command_unquote           (const char  *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsToken, hs_token_free)

G_END_DECLS
