/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-frame-row.h: the stack view's rows (hs-frame-view.c's own; not a public widget API).
 */
#pragma once

#include "hs-engine.h"

G_BEGIN_DECLS

#define HS_TYPE_FRAME_ROW (hs_frame_row_get_type ())
G_DECLARE_FINAL_TYPE (HsFrameRow, hs_frame_row, HS, FRAME_ROW, GObject)

enum { COL_LEVEL, COL_FUNCTION, COL_VALUE, COL_SOURCE, COL_PC, N_COLS };

/* A frame, one of its variables, or a member of a struct variable in memory. */
struct _HsFrameRow
{
  GObject parent_instance;
  char *text[N_COLS];
  guint level;
  gboolean is_frame;
  GListStore *vars;             /* of HsFrameRow: a frame's variables or a struct's members;
                                 * kept for the life of the row, as its tree model's children */
  /* A frame's */
  char *function;               /* what keeps it expanded across halts */
  /* A variable's */
  gboolean known;               /* its value could be read */
  HsLocationKind kind;
  guint64 address;
  guint reg;
  guint64 size;
  char *name;
  char *type_text;
  HsSymbolFile *file;
  guint64 type_die;
  GBytes *value;
};

/* Takes @text (N_COLS strings); notifies "text" when any changed, and says so. */
gboolean hs_frame_row_set_text         (HsFrameRow             *self,
                                        char                  **text);
void     hs_frame_row_set_variable     (HsFrameRow             *self,
                                        const HsFrameVariable  *variable);
/* A struct or union in memory, whose members can be shown. */
gboolean hs_frame_row_is_aggregate     (HsFrameRow             *self);
/* Reads the members into @self->vars, on a thread, from the bytes already read. */
void     hs_frame_row_read_members     (HsFrameRow             *self);
/* @store's rows become @variables (of @level only, or all with -1), updated by position. */
void     hs_frame_row_update_variables (GListStore             *store,
                                        GArray                 *variables,
                                        gint                    level);

G_END_DECLS
