/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-practice.h: PRACTICE, TRACE32's script language, compiled.
 *
 * A script (.cmm) is read once into a small program: commands, macro
 * assignments and declarations, and jumps for its control flow (IF/ELSE,
 * WHILE, RePeaT, blocks in "(" and ")" lines, labels, GOTO, GOSUB/RETURN).
 * Whoever runs it (the command interpreter) executes the instructions in
 * order; the compiler has already matched every block, every ELSE and
 * every literal label, so a script with a stray ")" or a GOTO to nowhere is
 * refused whole, with its file and line, before anything of it runs.
 *
 * Macros ("&name") are not expanded here: they are text, replaced in an
 * instruction's text when it runs (hs_practice_expand()).
 *
 * Pure functions and immutable programs: any thread may compile, the program
 * is shared (refcounted) by the frames running it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  HS_PRACTICE_COMMAND,          /* text: a command line */
  HS_PRACTICE_ASSIGN,           /* name: the macro; text: the expression (may be empty) */
  HS_PRACTICE_DECLARE,          /* text: the macro names; scope */
  HS_PRACTICE_JUMP,             /* to target */
  HS_PRACTICE_JUMP_UNLESS,      /* text: a condition; to target when it is false */
  HS_PRACTICE_REPEAT_INIT,      /* text: the count, or NULL for ever; slot */
  HS_PRACTICE_REPEAT_NEXT,      /* slot: to target when the count is used up */
  HS_PRACTICE_BLOCK_ENTER,      /* block: the block starting ("(") */
  HS_PRACTICE_BLOCK_LEAVE,      /* block: the block ending (")") */
  HS_PRACTICE_GOTO,             /* text: the label (literal, or with macros); target if literal */
  HS_PRACTICE_GOSUB,            /* text: the label and its arguments; target if literal */
  HS_PRACTICE_RETURN,           /* text: values handed back (may be empty) */
  HS_PRACTICE_ENTRY,            /* text: "&a &b", or "%LINE &a" */
  HS_PRACTICE_ON_ERROR,         /* text: "CONTinue", "DEFault", "GOSUB label", "GOTO label" */
  HS_PRACTICE_STOP,
  HS_PRACTICE_ENDDO,            /* text: values handed back (may be empty) */
  HS_PRACTICE_END,
  HS_PRACTICE_DO,               /* text: the file and its arguments */
} HsPracticeOp;

typedef enum
{
  HS_PRACTICE_LOCAL,            /* this block and what it calls (GOSUB, DO) */
  HS_PRACTICE_PRIVATE,          /* this block only */
  HS_PRACTICE_GLOBAL,           /* everywhere, for the session */
} HsPracticeScope;

#define HS_PRACTICE_NO_TARGET G_MAXUINT

typedef struct
{
  HsPracticeOp op;
  guint line;                   /* 1-based, in the file */
  char *source;                 /* the statement as written, for messages */
  char *text;
  char *name;                   /* ASSIGN */
  guint target;                 /* an instruction index, or HS_PRACTICE_NO_TARGET */
  guint slot;                   /* REPEAT_* */
  guint block;                  /* the block the instruction is in; 0: the script's top */
  HsPracticeScope scope;        /* DECLARE */
} HsPracticeInsn;

typedef struct
{
  char *name;
  guint insn;                   /* where it points */
  guint block;                  /* the block it is in */
} HsPracticeLabel;

typedef struct _HsPracticeProgram HsPracticeProgram;

/* Compiles @text (UTF-8, @length bytes) read from @file (for messages; NULL: a line typed,
 * whose messages name no file and line). Blank lines and
 * comments (";", "//") are nothing; what follows an ENDDO (subroutines) is compiled too. */
HsPracticeProgram   *hs_practice_compile        (const char              *text,
                                                 gsize                    length,
                                                 const char              *file,
                                                 GError                 **error);
/* Reads and compiles a script file (hs_script_read_text()'s checks). */
HsPracticeProgram   *hs_practice_compile_file   (const char              *path,
                                                 GError                 **error);
HsPracticeProgram   *hs_practice_program_ref    (HsPracticeProgram       *program);
void                 hs_practice_program_unref  (HsPracticeProgram       *program);
/* NULL for a typed line. */
const char          *hs_practice_program_get_file (const HsPracticeProgram *program);
guint                hs_practice_program_get_length (const HsPracticeProgram *program);
const HsPracticeInsn *hs_practice_program_get_insn (const HsPracticeProgram *program,
                                                 guint                    index);
/* The parent of @block (0 for the top's blocks); G_MAXUINT for 0 itself. */
guint                hs_practice_program_get_block_parent (const HsPracticeProgram *program,
                                                 guint                    block);
guint                hs_practice_program_get_n_slots (const HsPracticeProgram *program);
const HsPracticeLabel *hs_practice_program_find_label (const HsPracticeProgram *program,
                                                 const char              *name);
/* The number of source lines (for progress: "line 12 of 40"). */
guint                hs_practice_program_get_n_lines (const HsPracticeProgram *program);
const char          *hs_practice_op_to_string   (HsPracticeOp             op);

/* Whether @text is a macro name ("&count": a letter or '_', then letters, digits, '_'); with
 * its length in @length. */
gboolean             hs_practice_macro_name_length (const char           *text,
                                                 gsize                   *length);

/* Replaces each "&name" in @text for which @lookup returns a value (others are left as they
 * are: "&&" is C's and, "&init_task" may be an address-of). Inside a string literal, a macro
 * holding a string gives its text ("n=&s" with &s = "x" is "n=x"). The result is bounded by
 * HS_PRACTICE_MAX_LINE. */
#define HS_PRACTICE_MAX_LINE 65536u

typedef const char *(*HsPracticeLookup) (const char *name,
                                         gpointer    user_data);

char                *hs_practice_expand         (const char              *text,
                                                 HsPracticeLookup         lookup,
                                                 gpointer                 user_data,
                                                 GError                 **error);
/* @text up to a comment (";" or "//" after a blank, outside strings), without blanks around. */
char                *hs_practice_strip_comment  (const char              *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsPracticeProgram, hs_practice_program_unref)

G_END_DECLS
