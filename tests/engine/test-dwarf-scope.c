/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-dwarf-scope.c: the variables in scope at a pc (hs_symbol_file_get_scope()) and their
 * locations evaluated as a frame would, on locals-sample.c compiled -O2 -g for AArch64 with
 * DWARF 5 (.debug_loclists) and DWARF 4 (.debug_loc). The pcs are found in the code itself
 * (the `bl` to a callee, a function's entry), not hard-coded, so the test follows GCC.
 *
 *   HS_LOCALS_SAMPLE_DWARF5, HS_LOCALS_SAMPLE_DWARF4  the sample, set by tests/engine/meson.build
 *   HS_SYMBOLS_SAMPLE_*  test-symbols' samples, the hostile ones too (every-pc only)
 */
#define G_LOG_DOMAIN "test-dwarf-scope"

#include "config.h"

#include "hs-dwarf-expr.h"
#include "hs-symbol-file.h"

#include <dwarf.h>
#include <gelf.h>
#include <libelf.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

typedef struct
{
  guint64 regs[32];
  gboolean known[32];
} Regs;

static gboolean
get_reg (guint reg, guint64 *value, gpointer user_data)
{
  Regs *r = user_data;

  if (reg >= 32 || !r->known[reg])
    return FALSE;
  *value = r->regs[reg];
  return TRUE;
}

static gboolean
no_memory (guint64 address, void *buf, gsize len, gpointer user_data, GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no memory in this test");
  return FALSE;
}

static HsSymbolFile *
load_sample (const char *env)
{
  const char *path = g_getenv (env);
  g_autoptr(GError) error = NULL;
  HsSymbolFile *file;

  if (path == NULL)
    {
      g_test_skip ("no AArch64 compiler: the sample was not built");
      return NULL;
    }
  file = hs_symbol_file_load (path, &error);
  g_assert_no_error (error);
  return file;
}

/* The address of the `bl` from @caller to @callee, read from the ELF's text. */
static guint64
find_call (const char   *path,
           HsSymbolFile *file,
           const char   *caller,
           const char   *callee)
{
  HsSymbol from, to;
  int fd;
  Elf *elf;
  Elf_Scn *scn = NULL;
  guint64 found = 0;

  g_assert_true (hs_symbol_file_lookup (file, caller, &from));
  g_assert_true (hs_symbol_file_lookup (file, callee, &to));
  elf_version (EV_CURRENT);
  fd = open (path, O_RDONLY);
  g_assert_cmpint (fd, >=, 0);
  elf = elf_begin (fd, ELF_C_READ, NULL);
  while ((scn = elf_nextscn (elf, scn)) != NULL && found == 0)
    {
      GElf_Shdr shdr;
      Elf_Data *data;

      gelf_getshdr (scn, &shdr);
      if (shdr.sh_type != SHT_PROGBITS || from.address < shdr.sh_addr
          || from.address >= shdr.sh_addr + shdr.sh_size)
        continue;
      data = elf_getdata (scn, NULL);
      for (guint64 pc = from.address; pc + 4 <= from.address + from.size; pc += 4)
        {
          guint32 insn;

          memcpy (&insn, (guint8 *) data->d_buf + (pc - shdr.sh_addr), 4);
          insn = GUINT32_FROM_LE (insn);
          if ((insn & 0xfc000000) == 0x94000000)
            {
              gint64 imm = (gint64) ((gint32) (insn << 6) >> 6) * 4;

              if (pc + imm == to.address)
                {
                  found = pc;
                  break;
                }
            }
        }
    }
  elf_end (elf);
  close (fd);
  g_assert_cmphex (found, !=, 0);
  return found;
}

static const HsScopeVariable *
find_var (const HsScope *scope, const char *name)
{
  for (guint i = 0; i < scope->variables->len; i++)
    {
      const HsScopeVariable *v = &g_array_index (scope->variables, HsScopeVariable, i);

      if (g_strcmp0 (v->name, name) == 0)
        return v;
    }
  return NULL;
}

static void
evaluate (const HsScope *scope, const char *name, Regs *regs, guint64 cfa, HsLocation *out)
{
  const HsScopeVariable *v = find_var (scope, name);
  g_autoptr(GError) error = NULL;
  HsDwarfExprContext ctx = {
    .get_register = get_reg,
    .read_memory = no_memory,
    .user_data = regs,
    .have_cfa = cfa != 0,
    .cfa = cfa,
  };

  g_assert_nonnull (v);
  g_assert_true (v->has_location);
  if (scope->frame_base != NULL)
    {
      g_auto(HsLocation) fb = { 0 };
      gsize len = 0;
      const guint8 *bytes = g_bytes_get_data (scope->frame_base, &len);

      g_assert_true (hs_dwarf_expr_evaluate (bytes, len, &ctx, &fb, &error));
      g_assert_no_error (error);
      /* GCC's frame base on AArch64 is the CFA. */
      if (cfa != 0)
        {
          g_assert_cmpint (fb.kind, ==, HS_LOCATION_MEMORY);
          g_assert_cmphex (fb.address, ==, cfa);
          ctx.have_frame_base = TRUE;
          ctx.frame_base = fb.address;
        }
      else
        g_assert_cmpint (fb.kind, ==, HS_LOCATION_UNAVAILABLE);
    }
  {
    gsize len = 0;
    const guint8 *bytes = g_bytes_get_data (v->location, &len);

    g_assert_true (hs_dwarf_expr_evaluate (bytes, len, &ctx, out, &error));
    g_assert_no_error (error);
  }
  if (g_test_verbose ())
    g_test_message ("%s %s (%s, %" G_GUINT64_FORMAT " bytes, type DIE 0x%" G_GINT64_MODIFIER
                    "x): kind %d reg %u address 0x%" G_GINT64_MODIFIER "x value 0x%"
                    G_GINT64_MODIFIER "x %s", v->is_parameter ? "param" : "local", v->name,
                    v->type_text, v->size, v->type_die, out->kind, out->reg, out->address,
                    out->value, out->why != NULL ? out->why : "");
}

/* A caller frame as the unwinder gives it: x19..x29, sp; x0..x18 lost in the call. */
static void
caller_regs (Regs *regs)
{
  memset (regs, 0, sizeof *regs);
  for (guint r = 19; r < 32; r++)
    {
      regs->regs[r] = 0x1000 + r;
      regs->known[r] = TRUE;
    }
}

static void
test_sample (gconstpointer data)
{
  const char *env = data;
  g_autoptr(HsSymbolFile) file = load_sample (env);
  g_autoptr(GError) error = NULL;
  g_auto(HsScope) scope = { 0 };
  g_auto(HsLocation) loc = { 0 };
  const HsScopeVariable *v;
  HsSymbol keeper;
  guint64 call;
  Regs regs;

  if (file == NULL)
    return;

  /* keeper() at its entry: both parameters in their argument registers. */
  g_assert_true (hs_symbol_file_lookup (file, "keeper", &keeper));
  g_assert_true (hs_symbol_file_get_scope (file, keeper.address, &scope, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (scope.function, ==, "keeper");
  g_assert_cmphex (scope.entry_pc, ==, keeper.address);
  g_assert_nonnull (scope.frame_base);
  v = find_var (&scope, "n");
  g_assert_nonnull (v);
  g_assert_true (v->is_parameter);
  g_assert_cmpstr (v->type_text, ==, "long int");
  g_assert_cmpuint (v->size, ==, 8);
  g_assert_cmphex (v->type_die, !=, 0);
  v = find_var (&scope, "p");
  g_assert_true (v->is_parameter);
  g_assert_cmpstr (v->type_text, ==, "struct pair *");
  v = find_var (&scope, "total");
  g_assert_false (v->is_parameter);
  /* Parameters come first; `inner` is in a block that does not hold the entry. */
  g_assert_true (g_array_index (scope.variables, HsScopeVariable, 0).is_parameter);
  g_assert_null (find_var (&scope, "inner"));

  memset (&regs, 0, sizeof regs);
  regs.regs[0] = 4;
  regs.regs[1] = 0xffff800012345678;
  regs.known[0] = regs.known[1] = TRUE;
  evaluate (&scope, "n", &regs, 0, &loc);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_REGISTER);
  g_assert_cmpuint (loc.reg, ==, 0);
  hs_location_clear (&loc);
  evaluate (&scope, "p", &regs, 0, &loc);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_REGISTER);
  g_assert_cmpuint (loc.reg, ==, 1);
  hs_location_clear (&loc);
  hs_scope_clear (&scope);

  /* keeper() at its call to leaf(), as a caller frame: `total` lives across the call in a
   * callee-saved register, `inner`'s block holds the call, and the parameters are dead there:
   * entry values, which a caller frame without call-site information cannot know. */
  call = find_call (g_getenv (env), file, "keeper", "leaf");
  /* A caller frame is looked up at its return address - 1, as GDB does: GCC ends the ranges
   * of what the call may change there. */
  g_assert_true (hs_symbol_file_get_scope (file, call + 3, &scope, &error));
  g_assert_no_error (error);
  caller_regs (&regs);
  evaluate (&scope, "total", &regs, 0, &loc);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_REGISTER);
  g_assert_cmpuint (loc.reg, >=, 19);
  g_assert_cmpuint (loc.reg, <=, 28);
  hs_location_clear (&loc);
  g_assert_nonnull (find_var (&scope, "inner"));
  hs_scope_clear (&scope);

  /* After the call the argument registers are gone. */
  g_assert_true (hs_symbol_file_get_scope (file, call + 4, &scope, &error));
  evaluate (&scope, "p", &regs, 0, &loc);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_ENTRY_VALUE_UNKNOWN);
  hs_location_clear (&loc);
  evaluate (&scope, "n", &regs, 0, &loc);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_ENTRY_VALUE_UNKNOWN);
  hs_location_clear (&loc);
  hs_scope_clear (&scope);

  /* stacky() at its call to fill(): `buffer` on the stack at the frame base (the CFA) - 24,
   * `first` lost (it was in the global the call may change), `count` kept in a callee-saved register. */
  call = find_call (g_getenv (env), file, "stacky", "fill");
  g_assert_true (hs_symbol_file_get_scope (file, call + 3, &scope, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (scope.function, ==, "stacky");
  evaluate (&scope, "buffer", &regs, 0xffff800010004000, &loc);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_MEMORY);
  g_assert_cmphex (loc.address, ==, 0xffff800010004000 - 24);
  g_assert_cmpuint (find_var (&scope, "buffer")->size, ==, 24);
  g_assert_cmpstr (find_var (&scope, "buffer")->type_text, ==, "char[24]");
  hs_location_clear (&loc);
  evaluate (&scope, "first", &regs, 0xffff800010004000, &loc);
  g_assert_cmpint (loc.kind, ==, HS_LOCATION_OPTIMISED_OUT);
  hs_location_clear (&loc);
  evaluate (&scope, "count", &regs, 0xffff800010004000, &loc);
  g_assert_true (loc.kind == HS_LOCATION_REGISTER
                 || loc.kind == HS_LOCATION_ENTRY_VALUE_UNKNOWN);
  hs_location_clear (&loc);
  hs_scope_clear (&scope);

  /* main() at its call to keeper (4, &p): the call site says x0 held 4 and x1 the frame base
   * - 16, which gives keeper's entry values of n and p. No call site at a pc that is not a
   * return address - 1. */
  call = find_call (g_getenv (env), file, "main", "keeper");
  g_assert_true (hs_symbol_file_get_scope (file, call + 3, &scope, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (scope.call_values->len, ==, 2);
  for (guint i = 0; i < scope.call_values->len; i++)
    {
      const HsCallSiteValue *cv = &g_array_index (scope.call_values, HsCallSiteValue, i);
      HsDwarfExprContext ctx = { .have_frame_base = TRUE, .frame_base = 0xffff800010004000 };
      gsize len = 0;
      const guint8 *bytes = g_bytes_get_data (cv->value, &len);

      g_assert_true (hs_dwarf_expr_evaluate (bytes, len, &ctx, &loc, &error));
      g_assert_no_error (error);
      /* A call value is the value itself: what is left on the stack. */
      g_assert_cmpint (loc.kind, ==, HS_LOCATION_MEMORY);
      if (cv->reg == 0)
        g_assert_cmphex (loc.address, ==, 4);
      else
        {
          g_assert_cmpuint (cv->reg, ==, 1);
          g_assert_cmphex (loc.address, ==, 0xffff800010004000 - 16);
        }
      hs_location_clear (&loc);
    }
  hs_scope_clear (&scope);
  g_assert_true (hs_symbol_file_get_scope (file, call, &scope, &error));
  g_assert_cmpuint (scope.call_values->len, ==, 0);
  hs_scope_clear (&scope);

  /* Outside every function. */
  g_assert_false (hs_symbol_file_get_scope (file, 0x10, &scope, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
}

/* Every pc of every function of every sample, the hostile ones too: a scope is found or an
 * error given, and every location evaluates or fails cleanly, never a crash or a hang. */
static void
test_every_pc (void)
{
  static const char *const envs[] = {
    "HS_LOCALS_SAMPLE_DWARF5", "HS_LOCALS_SAMPLE_DWARF4", "HS_SYMBOLS_SAMPLE_DWARF5",
    "HS_SYMBOLS_SAMPLE_DWARF4", "HS_SYMBOLS_SAMPLE_NODEBUG", "HS_SYMBOLS_SAMPLE_STRIPPED",
    "HS_SYMBOLS_SAMPLE_HOSTILE", "HS_SYMBOLS_SAMPLE_OVERFLOW",
  };
  guint n_scopes = 0;

  for (guint e = 0; e < G_N_ELEMENTS (envs); e++)
    {
      const char *path = g_getenv (envs[e]);
      g_autoptr(HsSymbolFile) file = NULL;
      g_autoptr(GArray) functions = NULL;
      guint n_matches = 0;

      if (path == NULL || (file = hs_symbol_file_load (path, NULL)) == NULL)
        continue;
      functions = hs_symbol_file_match (file, "*", 10000, &n_matches);
      for (guint f = 0; functions != NULL && f < functions->len; f++)
        {
          const HsSymbol *sym = &g_array_index (functions, HsSymbol, f);

          if (sym->kind != HS_SYMBOL_FUNCTION)
            continue;
          for (guint64 pc = sym->address; pc < sym->address + MIN (sym->size, 4096); pc += 4)
            {
              g_auto(HsScope) scope = { 0 };
              g_autoptr(GError) error = NULL;
              Regs regs;
              HsDwarfExprContext ctx = {
                .get_register = get_reg,
                .read_memory = no_memory,
                .user_data = &regs,
                .have_cfa = TRUE,
                .cfa = 0xffff800010004000,
                .have_frame_base = TRUE,
                .frame_base = 0xffff800010004000,
              };

              caller_regs (&regs);
              if (!hs_symbol_file_get_scope (file, pc, &scope, &error))
                {
                  g_assert_nonnull (error);
                  continue;
                }
              n_scopes++;
              for (guint i = 0; i < scope.variables->len; i++)
                {
                  const HsScopeVariable *v = &g_array_index (scope.variables, HsScopeVariable,
                                                             i);
                  g_auto(HsLocation) loc = { 0 };
                  g_autoptr(GError) eval_error = NULL;
                  gsize len = 0;
                  const guint8 *bytes;

                  g_assert_nonnull (v->name);
                  if (v->location == NULL)
                    continue;
                  bytes = g_bytes_get_data (v->location, &len);
                  if (!hs_dwarf_expr_evaluate (bytes, len, &ctx, &loc, &eval_error))
                    g_assert_nonnull (eval_error);
                }
            }
        }
    }
  if (n_scopes == 0)
    g_test_skip ("no sample was built");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/Hs/DwarfScope/dwarf5", "HS_LOCALS_SAMPLE_DWARF5", test_sample);
  g_test_add_data_func ("/Hs/DwarfScope/dwarf4", "HS_LOCALS_SAMPLE_DWARF4", test_sample);
  g_test_add_func ("/Hs/DwarfScope/every-pc", test_every_pc);
  return g_test_run ();
}
