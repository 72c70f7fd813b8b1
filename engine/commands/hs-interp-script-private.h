/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-script-private.h: a PRACTICE run's frames and macros, shared by
 * hs-interp-script.c (the runner) and hs-interp-frames.c (frames, blocks and
 * macro lookup). Main thread only, like the interpreter.
 */
#pragma once

#include "hs-interp-private.h"
#include "hs-practice.h"

G_BEGIN_DECLS

#define MACRO_MAX_BYTES     HS_PRACTICE_MAX_LINE

typedef struct
{
  char *value;
  HsPracticeScope scope;        /* LOCAL or PRIVATE */
} Macro;

typedef struct
{
  guint block;                  /* the program's block (0: the top) */
  GHashTable *macros;           /* name -> Macro */
  gboolean borrowed;            /* the command line's, owned by the interpreter */
} BlockFrame;

typedef enum
{
  ON_ERROR_DEFAULT,             /* the script ends with the error */
  ON_ERROR_CONTINUE,            /* the error is reported, the next line runs */
  ON_ERROR_GOSUB,
  ON_ERROR_GOTO,
} OnErrorKind;

typedef struct
{
  OnErrorKind kind;
  HsPracticeProgram *program;   /* GOSUB, GOTO: the script the label is in */
  char *label;
} OnError;

typedef struct
{
  HsPracticeProgram *program;
  char *name;                   /* the script's path, or the subroutine's label */
  guint pc;
  gboolean is_script;           /* a DO's (or the run's first): ENDDO and ON ERROR are its */
  gboolean is_handler;          /* an ON ERROR GOSUB's */
  GPtrArray *blocks;            /* of BlockFrame, innermost last */
  GPtrArray *entry;             /* of char*: what ENTRY takes */
  guint64 *counters;            /* RePeaT's, by slot */
  guint call_line;              /* the caller's line, for the call chain */
  OnError on_error;             /* a script's */
} Frame;

/* A run owns itself from hs_interp_run_program() until run_finish(); while STOP has paused
 * it, the interpreter owns it (HsInterp.stopped) and @interp is borrowed, not a cycle. */
struct _HsScriptRun
{
  HsInterp *interp;             /* owned, except while stopped */
  GTask *task;                  /* owned until the run ends or stops */
  GString *out;
  GPtrArray *frames;            /* of Frame, innermost last */
  const HsPracticeInsn *insn;   /* the one running (or that ran last), for messages */
  HsPracticeProgram *insn_program; /* owned: @insn's, alive after its frame has gone */
  Frame *insn_frame;            /* @insn's frame while it runs; NULL once frames are left */
  gboolean handling_error;      /* in an ON ERROR GOSUB handler */
  guint steps;                  /* since the main loop last ran */
  guint idle_id;
  guint failed;                 /* errors reported under ON ERROR CONTinue */
};
typedef HsScriptRun Run;

BlockFrame  *hs_script_block_frame_new   (guint              block);
void         hs_script_on_error_clear    (OnError           *on_error);
void         hs_script_on_error_copy     (OnError           *to,
                                          const OnError     *from);
Frame       *hs_script_frame_new         (HsPracticeProgram *program,
                                          const char        *name,
                                          guint              pc,
                                          guint              block,
                                          GPtrArray         *entry);
void         hs_script_frame_free        (Frame             *frame);
Frame       *hs_script_innermost         (Run               *run);
/* The value of @name as the innermost frame sees it, or NULL (@user_data: the Run). */
const char  *hs_script_lookup_macro      (const char        *name,
                                          gpointer           user_data);
void         hs_script_declare_macro     (GHashTable        *table,
                                          const char        *name,
                                          HsPracticeScope    scope,
                                          const char        *value);
/* The value of @name as the stopped script sees it (HsInterp.stopped), or NULL. */
const char  *hs_script_lookup_stopped_macro (HsInterp          *interp,
                                             const char        *name);
GHashTable  *hs_script_innermost_macros  (Run               *run);
gboolean     hs_script_set_macro         (Run               *run,
                                          const char        *name,
                                          const char        *value,
                                          GError           **error);
gboolean     hs_script_set_frame_macro   (Run               *run,
                                          Frame             *frame,
                                          const char        *name,
                                          const char        *value,
                                          GError           **error);

G_END_DECLS
