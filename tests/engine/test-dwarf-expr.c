/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-dwarf-expr.c: the DWARF location-expression evaluator and location-list reader
 * (engine/symbols/hs-dwarf-expr.c) on expressions and lists written by hand, including broken
 * ones; the same code on a compiled -O2 sample is in test-dwarf-scope.c.
 */
#define G_LOG_DOMAIN "test-dwarf-expr"

#include "config.h"

#include "hs-dwarf-expr.h"
#include "hs-symbol-file.h"

#include <dwarf.h>
#include <gio/gio.h>
#include <string.h>

#define MEM_BASE G_GUINT64_CONSTANT (0xffff800010000000)

typedef struct
{
  guint64 regs[32];
  gboolean known[32];
  guint8 mem[256];
  gboolean entry_known;
  guint64 entry_value;
  guint n_reads;
} Frame;

static gboolean
get_reg (guint reg, guint64 *value, gpointer user_data)
{
  Frame *f = user_data;

  if (reg >= 32 || !f->known[reg])
    return FALSE;
  *value = f->regs[reg];
  return TRUE;
}

static gboolean
read_mem (guint64 address, void *buf, gsize len, gpointer user_data, GError **error)
{
  Frame *f = user_data;

  f->n_reads++;
  if (address < MEM_BASE || address - MEM_BASE > sizeof f->mem
      || sizeof f->mem - (address - MEM_BASE) < len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no mapping");
      return FALSE;
    }
  memcpy (buf, f->mem + (address - MEM_BASE), len);
  return TRUE;
}

static gboolean
get_entry (const guint8 *expr, gsize len, guint64 *value, gpointer user_data)
{
  Frame *f = user_data;

  if (len != 1 || expr[0] != DW_OP_reg0)
    return FALSE;
  *value = f->entry_value;
  return f->entry_known;
}

static gboolean
get_addr (guint64 index, guint64 *value, gpointer user_data)
{
  (void) user_data;
  if (index > 3)
    return FALSE;
  *value = 0x1000 * (index + 1);
  return TRUE;
}

static Frame *
frame_new (void)
{
  Frame *f = g_new0 (Frame, 1);

  for (guint r = 0; r < 32; r++)
    {
      f->regs[r] = 0x100 + r;
      f->known[r] = r >= 19;
    }
  f->regs[31] = MEM_BASE + 0x40;   /* sp */
  for (guint i = 0; i < sizeof f->mem; i++)
    f->mem[i] = (guint8) i;
  return f;
}

static HsDwarfExprContext
context (Frame *f)
{
  HsDwarfExprContext ctx = {
    .get_register = get_reg,
    .read_memory = read_mem,
    .get_entry_value = get_entry,
    .get_addr = get_addr,
    .user_data = f,
    .have_frame_base = TRUE,
    .frame_base = MEM_BASE + 0x80,
    .have_cfa = TRUE,
    .cfa = MEM_BASE + 0x90,
    .address_offset = 0x10,
  };
  return ctx;
}

static void
eval_ok (Frame *f, const guint8 *expr, gsize len, HsLocation *out)
{
  HsDwarfExprContext ctx = context (f);
  g_autoptr(GError) error = NULL;

  hs_dwarf_expr_evaluate (expr, len, &ctx, out, &error);
  g_assert_no_error (error);
}

#define EVAL(f, out, ...) \
  G_STMT_START { static const guint8 e_[] = { __VA_ARGS__ }; eval_ok (f, e_, sizeof e_, out); } G_STMT_END

static void
test_simple (void)
{
  g_autofree Frame *f = frame_new ();
  g_auto(HsLocation) loc = { 0 };

  /* A parameter in x0 ... */
  EVAL (f, &loc, DW_OP_reg0);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_REGISTER);
  g_assert_cmpuint (loc.reg, ==, 0);
  hs_location_clear (&loc);
  EVAL (f, &loc, DW_OP_regx, 0x13);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_REGISTER);
  g_assert_cmpuint (loc.reg, ==, 19);
  hs_location_clear (&loc);

  /* ... on the stack at fb - 8, sp + 16, x29 + 24 ... */
  EVAL (f, &loc, DW_OP_fbreg, 0x78);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_MEMORY);
  g_assert_cmphex (loc.address, ==, MEM_BASE + 0x78);
  hs_location_clear (&loc);
  EVAL (f, &loc, DW_OP_breg31, 16);
  g_assert_cmphex (loc.address, ==, MEM_BASE + 0x50);
  hs_location_clear (&loc);
  EVAL (f, &loc, DW_OP_bregx, 29, 0x18);
  g_assert_cmphex (loc.address, ==, 0x100 + 29 + 0x18);
  hs_location_clear (&loc);
  EVAL (f, &loc, DW_OP_call_frame_cfa);
  g_assert_cmphex (loc.address, ==, MEM_BASE + 0x90);
  hs_location_clear (&loc);

  /* ... a global, moved by the load offset ... */
  EVAL (f, &loc, DW_OP_addr, 0x00, 0x20, 0, 0, 0, 0x80, 0xff, 0xff);
  g_assert_cmphex (loc.address, ==, G_GUINT64_CONSTANT (0xffff800000002010));
  hs_location_clear (&loc);
  EVAL (f, &loc, DW_OP_addrx, 1);
  g_assert_cmphex (loc.address, ==, 0x2010);
  hs_location_clear (&loc);
  EVAL (f, &loc, DW_OP_constx, 1, DW_OP_stack_value);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_VALUE);
  g_assert_cmphex (loc.value, ==, 0x2000);
  hs_location_clear (&loc);

  /* ... a computed value: (x19 + 1) * 3 >> 1 ... */
  EVAL (f, &loc, DW_OP_breg19, 1, DW_OP_lit3, DW_OP_mul, DW_OP_lit1, DW_OP_shr,
        DW_OP_stack_value);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_VALUE);
  g_assert_cmphex (loc.value, ==, ((0x100 + 19 + 1) * 3) >> 1);
  hs_location_clear (&loc);

  /* ... constants of every size and sign, stack shuffles ... */
  EVAL (f, &loc, DW_OP_const1s, 0xff, DW_OP_const2u, 0x34, 0x12, DW_OP_plus, DW_OP_stack_value);
  g_assert_cmphex (loc.value, ==, 0x1233);
  hs_location_clear (&loc);
  EVAL (f, &loc, DW_OP_consts, 0x7f, DW_OP_abs, DW_OP_stack_value);
  g_assert_cmphex (loc.value, ==, 1);
  hs_location_clear (&loc);
  EVAL (f, &loc, DW_OP_lit1, DW_OP_lit2, DW_OP_lit3, DW_OP_rot, DW_OP_swap, DW_OP_over,
        DW_OP_pick, 2, DW_OP_drop, DW_OP_minus, DW_OP_stack_value);
  /* 1 2 3 → rot 3 1 2 → swap 3 2 1 → over 3 2 1 2 → pick 2: 3 2 1 2 2 → drop → 3 2 1 2 →
   * minus: 3 2 (1-2) */
  g_assert_cmphex (loc.value, ==, G_MAXUINT64);
  hs_location_clear (&loc);

  /* ... a loop: count 10 down with bra, 10 times round ... */
  EVAL (f, &loc, DW_OP_lit10, DW_OP_lit1, DW_OP_minus, DW_OP_dup, DW_OP_bra, 0xfa, 0xff,
        DW_OP_stack_value);
  g_assert_cmphex (loc.value, ==, 0);
  hs_location_clear (&loc);

  /* ... through memory: a pointer at sp + 8, then the byte it points at ... */
  f->mem[0x48] = 0x10;
  f->mem[0x49] = 0; f->mem[0x4a] = 0; f->mem[0x4b] = 0x10;
  f->mem[0x4c] = 0; f->mem[0x4d] = 0x80; f->mem[0x4e] = 0xff; f->mem[0x4f] = 0xff;
  EVAL (f, &loc, DW_OP_breg31, 8, DW_OP_deref, DW_OP_deref_size, 1, DW_OP_stack_value);
  g_assert_cmphex (loc.value, ==, 0x10);
  hs_location_clear (&loc);

  /* ... an implicit value, and nothing at all. */
  EVAL (f, &loc, DW_OP_implicit_value, 4, 1, 2, 3, 4);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_IMPLICIT);
  g_assert_cmpuint (g_bytes_get_size (loc.implicit), ==, 4);
  hs_location_clear (&loc);
  {
    HsDwarfExprContext ctx = context (f);

    g_assert_true (hs_dwarf_expr_evaluate (NULL, 0, &ctx, &loc, NULL));
    g_assert_cmpint (loc.kind, ==, HS_LOCATION_OPTIMISED_OUT);
  }
}

static void
test_pieces (void)
{
  g_autofree Frame *f = frame_new ();
  g_auto(HsLocation) loc = { 0 };
  const HsLocation *p;

  /* A 16-byte struct: low half in x19, high half on the stack, then a missing piece. */
  EVAL (f, &loc, DW_OP_reg19, DW_OP_piece, 8, DW_OP_fbreg, 0x70, DW_OP_piece, 4, DW_OP_piece, 4);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_PIECES);
  g_assert_cmpuint (loc.pieces->len, ==, 3);
  p = &g_array_index (loc.pieces, HsLocation, 0);
  g_assert_cmpint (p->kind, ==, HS_LOCATION_REGISTER);
  g_assert_cmpuint (p->reg, ==, 19);
  g_assert_cmpuint (p->bit_size, ==, 64);
  p = &g_array_index (loc.pieces, HsLocation, 1);
  g_assert_cmpint (p->kind, ==, HS_LOCATION_MEMORY);
  g_assert_cmphex (p->address, ==, MEM_BASE + 0x70);
  g_assert_cmpuint (p->bit_size, ==, 32);
  p = &g_array_index (loc.pieces, HsLocation, 2);
  g_assert_cmpint (p->kind, ==, HS_LOCATION_OPTIMISED_OUT);
  hs_location_clear (&loc);

  /* A piece whose register is unknown is unavailable, the others are still there. */
  EVAL (f, &loc, DW_OP_breg3, 0, DW_OP_stack_value, DW_OP_bit_piece, 3, 5, DW_OP_lit7,
        DW_OP_stack_value, DW_OP_piece, 1);
  g_assert_cmpuint (loc.pieces->len, ==, 2);
  p = &g_array_index (loc.pieces, HsLocation, 0);
  g_assert_cmpint (p->kind, ==, HS_LOCATION_UNAVAILABLE);
  g_assert_cmpstr (p->why, ==, "x3 is not known in this frame");
  g_assert_cmpuint (p->bit_size, ==, 3);
  g_assert_cmpuint (p->bit_offset, ==, 5);
  p = &g_array_index (loc.pieces, HsLocation, 1);
  g_assert_cmpint (p->kind, ==, HS_LOCATION_VALUE);
  g_assert_cmpuint (p->value, ==, 7);
}

static void
test_unknown (void)
{
  g_autofree Frame *f = frame_new ();
  g_auto(HsLocation) loc = { 0 };
  HsDwarfExprContext ctx = context (f);

  /* x0 at entry: the caller knows it, or not. */
  f->entry_known = TRUE;
  f->entry_value = 42;
  EVAL (f, &loc, DW_OP_entry_value, 1, DW_OP_reg0, DW_OP_stack_value);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_VALUE);
  g_assert_cmpuint (loc.value, ==, 42);
  hs_location_clear (&loc);
  f->entry_known = FALSE;
  EVAL (f, &loc, 0xf3, 1, DW_OP_reg0, DW_OP_stack_value);   /* DW_OP_GNU_entry_value */
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_ENTRY_VALUE_UNKNOWN);
  hs_location_clear (&loc);

  /* A register a caller frame lost; memory that cannot be read; no frame base. */
  EVAL (f, &loc, DW_OP_breg2, 8);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_UNAVAILABLE);
  g_assert_cmpstr (loc.why, ==, "x2 is not known in this frame");
  hs_location_clear (&loc);
  EVAL (f, &loc, DW_OP_lit0, DW_OP_deref, DW_OP_stack_value);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_UNAVAILABLE);
  g_assert_cmpstr (loc.why, ==, "cannot read 0x0: no mapping");
  hs_location_clear (&loc);
  ctx.have_frame_base = FALSE;
  {
    static const guint8 e[] = { DW_OP_fbreg, 0x70 };

    g_assert_true (hs_dwarf_expr_evaluate (e, sizeof e, &ctx, &loc, NULL));
    g_assert_cmpint (loc.kind, ==, HS_LOCATION_UNAVAILABLE);
    g_assert_cmpstr (loc.why, ==, "the frame base is not known");
  }
}

/* Broken expressions fail with an error, within the bounds. */
static void
test_hostile (void)
{
  static const struct { const char *name; guint8 bytes[16]; gsize len; } cases[] = {
    { "truncated const", { DW_OP_const4u, 1, 2 }, 3 },
    { "truncated uleb", { DW_OP_constu, 0x80, 0x80 }, 3 },
    { "empty stack", { DW_OP_plus }, 1 },
    { "empty stack value", { DW_OP_stack_value }, 1 },
    { "infinite loop", { DW_OP_skip, 0xfd, 0xff }, 3 },
    { "branch outside", { DW_OP_skip, 0x10, 0x00 }, 3 },
    { "after reg", { DW_OP_reg0, DW_OP_lit1 }, 2 },
    { "unknown op", { 0xff }, 1 },
    { "implicit too long", { DW_OP_implicit_value, 10, 1 }, 3 },
    { "pick too deep", { DW_OP_lit1, DW_OP_pick, 5 }, 3 },
    { "deref 9", { DW_OP_lit1, DW_OP_deref_size, 9 }, 3 },
    { "entry value too long", { DW_OP_entry_value, 5, DW_OP_reg0 }, 3 },
    { "after last piece", { DW_OP_reg0, DW_OP_piece, 8, DW_OP_reg1 }, 4 },
    { "zero piece", { DW_OP_reg0, DW_OP_piece, 0 }, 3 },
  };
  g_autofree Frame *f = frame_new ();
  HsDwarfExprContext ctx = context (f);
  guint8 deep[HS_DWARF_EXPR_MAX_STACK + 1];
  guint8 *pieces;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(HsLocation) loc = { 0 };
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].name);
      g_assert_false (hs_dwarf_expr_evaluate (cases[i].bytes, cases[i].len, &ctx, &loc,
                                              &error));
      g_assert_nonnull (error);
      g_assert_cmpint (loc.kind, ==, 0);
      g_assert_null (loc.pieces);
    }

  memset (deep, DW_OP_lit1, sizeof deep);
  {
    g_auto(HsLocation) loc = { 0 };
    g_autoptr(GError) error = NULL;

    g_assert_false (hs_dwarf_expr_evaluate (deep, sizeof deep, &ctx, &loc, &error));
    g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT);
  }

  pieces = g_malloc (3 * (HS_DWARF_EXPR_MAX_PIECES + 1));
  for (guint i = 0; i <= HS_DWARF_EXPR_MAX_PIECES; i++)
    {
      pieces[3 * i] = DW_OP_reg0;
      pieces[3 * i + 1] = DW_OP_piece;
      pieces[3 * i + 2] = 1;
    }
  {
    g_auto(HsLocation) loc = { 0 };
    g_autoptr(GError) error = NULL;

    g_assert_false (hs_dwarf_expr_evaluate (pieces, 3 * (HS_DWARF_EXPR_MAX_PIECES + 1), &ctx,
                                            &loc, &error));
    g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT);
  }
  g_free (pieces);

  /* Random bytes: never a crash, never a hang. */
  {
    g_autoptr(GRand) rand = g_rand_new_with_seed (15);

    for (guint n = 0; n < 20000; n++)
      {
        guint8 bytes[24];
        gsize len = g_rand_int_range (rand, 0, sizeof bytes + 1);
        g_auto(HsLocation) loc = { 0 };
        g_autoptr(GError) error = NULL;

        for (gsize i = 0; i < len; i++)
          bytes[i] = g_rand_int_range (rand, 0, 4) == 0 ? (guint32) g_rand_int_range (rand, 3, 0xa9)
                                                        : g_rand_int (rand);
        if (!hs_dwarf_expr_evaluate (bytes, len, &ctx, &loc, &error))
          g_assert_nonnull (error);
      }
  }
}

static void
test_loclists (void)
{
  /* DWARF 5: base_address, offset_pair, start_length, startx_length, default. */
  static const guint8 v5[] = {
    0xaa,                                                  /* padding: lists at offset 1 */
    DW_LLE_base_address, 0x00, 0x10, 0, 0, 0, 0, 0, 0,    /* base 0x1000 */
    DW_LLE_offset_pair, 0x00, 0x10, 1, DW_OP_reg0,        /* [0x1000, 0x1010): x0 */
    DW_LLE_offset_pair, 0x10, 0x20, 1, DW_OP_reg19,       /* [0x1010, 0x1020): x19 */
    DW_LLE_startx_length, 1, 0x10, 2, DW_OP_lit5, DW_OP_stack_value, /* [0x2000, 0x2010) */
    DW_LLE_start_length, 0x00, 0x30, 0, 0, 0, 0, 0, 0, 0x08, 1, DW_OP_reg1,
    DW_LLE_default_location, 1, DW_OP_reg2,
    DW_LLE_end_of_list,
  };
  /* DWARF 4: relative to the CU base, a base selection, end. */
  static const guint8 v4[] = {
    0x00, 0, 0, 0, 0, 0, 0, 0,  0x10, 0, 0, 0, 0, 0, 0, 0,  1, 0, DW_OP_reg0,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  0x00, 0x50, 0, 0, 0, 0, 0, 0,
    0x00, 0, 0, 0, 0, 0, 0, 0,  0x04, 0, 0, 0, 0, 0, 0, 0,  1, 0, DW_OP_reg3,
    0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0,
  };
  static const struct { guint64 pc; gint op; } v5_cases[] = {
    { 0x1000, DW_OP_reg0 }, { 0x100f, DW_OP_reg0 }, { 0x1010, DW_OP_reg19 },
    { 0x2008, DW_OP_lit5 }, { 0x3004, DW_OP_reg1 }, { 0x5000, DW_OP_reg2 },
  };
  const guint8 *expr = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (v5_cases); i++)
    {
      g_assert_true (hs_dwarf_loclist_find (v5, sizeof v5, 1, 5, 8, 0, get_addr, NULL,
                                            v5_cases[i].pc, &expr, &len, &error));
      g_assert_no_error (error);
      g_assert_nonnull (expr);
      g_assert_cmpuint (expr[0], ==, v5_cases[i].op);
    }

  g_assert_true (hs_dwarf_loclist_find (v4, sizeof v4, 0, 4, 8, 0x4000, NULL, NULL, 0x4008,
                                        &expr, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (expr[0], ==, DW_OP_reg0);
  g_assert_true (hs_dwarf_loclist_find (v4, sizeof v4, 0, 4, 8, 0x4000, NULL, NULL, 0x5002,
                                        &expr, &len, &error));
  g_assert_cmpuint (expr[0], ==, DW_OP_reg3);
  /* Covered by nothing: optimised out there. */
  g_assert_true (hs_dwarf_loclist_find (v4, sizeof v4, 0, 4, 8, 0x4000, NULL, NULL, 0x4010,
                                        &expr, &len, &error));
  g_assert_null (expr);

  /* Every truncation of both is an error, not a read past the end. */
  for (gsize cut = 2; cut < sizeof v5 - 1; cut++)
    {
      g_autoptr(GError) e = NULL;
      g_autofree guint8 *copy = g_memdup2 (v5, cut);

      if (!hs_dwarf_loclist_find (copy, cut, 1, 5, 8, 0, get_addr, NULL, 0x4000, &expr, &len,
                                  &e))
        g_assert_error (e, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT);
    }
  for (gsize cut = 1; cut < sizeof v4 - 1; cut++)
    {
      g_autoptr(GError) e = NULL;
      g_autofree guint8 *copy = g_memdup2 (v4, cut);

      g_assert_false (hs_dwarf_loclist_find (copy, cut, 0, 4, 8, 0x4000, NULL, NULL, 0x9000,
                                             &expr, &len, &e));
      g_assert_error (e, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT);
    }
  {
    g_autoptr(GError) e = NULL;

    g_assert_false (hs_dwarf_loclist_find (v5, sizeof v5, sizeof v5, 5, 8, 0, NULL, NULL, 0,
                                           &expr, &len, &e));
    g_assert_error (e, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Hs/DwarfExpr/simple", test_simple);
  g_test_add_func ("/Hs/DwarfExpr/pieces", test_pieces);
  g_test_add_func ("/Hs/DwarfExpr/unknown", test_unknown);
  g_test_add_func ("/Hs/DwarfExpr/hostile", test_hostile);
  g_test_add_func ("/Hs/DwarfExpr/loclists", test_loclists);
  return g_test_run ();
}
