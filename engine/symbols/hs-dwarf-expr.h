/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-dwarf-expr.h: DWARF location expressions and location lists.
 *
 * Pure functions over bytes and callbacks, so they run on any thread without the DWARF lock
 * and are unit-tested on expressions written by hand: hs_dwarf_expr_evaluate() says where a
 * variable is (memory, a register, a computed value, an implicit value, pieces of those) from
 * a frame's registers; hs_dwarf_loclist_find() picks the expression of a location list
 * (.debug_loc or .debug_loclists) that covers a pc. Both treat their input as hostile: every
 * read is bounded by the bytes given, the stack by HS_DWARF_EXPR_MAX_STACK, the work by
 * HS_DWARF_EXPR_MAX_OPS, and a malformed expression is an error, never a crash or a hang.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HS_DWARF_EXPR_MAX_STACK  64
#define HS_DWARF_EXPR_MAX_OPS    10000    /* operations executed (DW_OP_skip/bra loop) */
#define HS_DWARF_EXPR_MAX_PIECES 64
#define HS_DWARF_LOCLIST_MAX_ENTRIES 100000

typedef enum
{
  HS_LOCATION_MEMORY,            /* at @address */
  HS_LOCATION_REGISTER,          /* in DWARF register @reg (0..30 = x0..x30, 31 = sp) */
  HS_LOCATION_VALUE,             /* not in storage: @value (DW_OP_stack_value) */
  HS_LOCATION_IMPLICIT,          /* not in storage: the bytes @implicit */
  HS_LOCATION_PIECES,            /* @pieces, each with its @bit_size, lowest bits first */
  HS_LOCATION_OPTIMISED_OUT,     /* the compiler kept nothing here */
  HS_LOCATION_ENTRY_VALUE_UNKNOWN, /* a value the function had at its entry, which the
                                  * frame's caller no longer shows */
  HS_LOCATION_UNAVAILABLE,       /* computable in principle, not here: @why */
} HsLocationKind;

typedef struct _HsLocation HsLocation;

struct _HsLocation
{
  HsLocationKind kind;
  guint64 address;
  guint reg;
  guint64 value;
  GBytes *implicit;
  guint64 bit_size;              /* of a piece; 0 outside pieces */
  guint64 bit_offset;            /* DW_OP_bit_piece's offset into the piece's storage */
  GArray *pieces;                /* (element-type HsLocation) */
  char *why;
};

/* The registers, memory and frame values an expression may ask for. Callbacks may be NULL:
 * what they would give is then unknown. */
typedef struct
{
  /* The value of DWARF register @reg in the frame, or FALSE when the frame does not know it. */
  gboolean (*get_register)    (guint reg, guint64 *value, gpointer user_data);
  /* Reads target memory; a failure makes the location unavailable, with the error's message. */
  gboolean (*read_memory)     (guint64 address, void *buf, gsize len, gpointer user_data,
                               GError **error);
  /* The value the DWARF expression @expr (DW_OP_entry_value's operand, usually DW_OP_regN)
   * had when the function was entered, or FALSE when that is not known. */
  gboolean (*get_entry_value) (const guint8 *expr, gsize len, guint64 *value,
                               gpointer user_data);
  /* Entry @index of the unit's .debug_addr (DW_OP_addrx, DW_OP_constx). */
  gboolean (*get_addr)        (guint64 index, guint64 *value, gpointer user_data);
  gpointer user_data;
  gboolean have_frame_base;      /* DW_AT_frame_base, already evaluated */
  guint64 frame_base;
  gboolean have_cfa;             /* DW_OP_call_frame_cfa */
  guint64 cfa;
  guint64 address_offset;        /* added to DW_OP_addr/addrx: a load (KASLR) offset */
} HsDwarfExprContext;

/* Evaluates @expr (@len bytes; 0 bytes: optimised out) as a location description. FALSE with
 * @error (HS_SYMBOLS_ERROR_CORRUPT or HS_SYMBOLS_ERROR_UNSUPPORTED) only for an expression that is
 * malformed or uses what is not implemented; a register or memory the frame does not have
 * gives TRUE with HS_LOCATION_UNAVAILABLE. @out must be cleared with hs_location_clear(). */
gboolean hs_dwarf_expr_evaluate (const guint8             *expr,
                                 gsize                     len,
                                 const HsDwarfExprContext *ctx,
                                 HsLocation               *out,
                                 GError                  **error);

void     hs_location_clear      (HsLocation               *location);

/* The name of DWARF register @reg in messages: "x19", "sp", "r64". */
char    *hs_dwarf_register_name (guint                     reg);

/* Finds the entry of the location list at @offset of @section (@size bytes) that covers @pc:
 * .debug_loc when @version < 5, else .debug_loclists. @cu_base is the unit's base address
 * (its DW_AT_low_pc); @address_size 4 or 8. Sets @expr and @expr_len to the entry's expression
 * (pointing into @section), or *@expr to NULL when no entry covers @pc (optimised out there).
 * FALSE with @error when the list is malformed or runs off the section. */
gboolean hs_dwarf_loclist_find  (const guint8             *section,
                                 gsize                     size,
                                 guint64                   offset,
                                 guint                     version,
                                 guint                     address_size,
                                 guint64                   cu_base,
                                 gboolean                (*get_addr) (guint64   index,
                                                                      guint64  *value,
                                                                      gpointer  user_data),
                                 gpointer                  user_data,
                                 guint64                   pc,
                                 const guint8            **expr,
                                 gsize                    *expr_len,
                                 GError                  **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HsLocation, hs_location_clear)

G_END_DECLS
