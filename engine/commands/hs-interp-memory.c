/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-memory.c: the commands that take addresses: Data.dump,
 * Data.Set, Data.LOAD.Elf, sYmbol.List/INFO, MMU.Translate,
 * MMU.List.PageTable and MACHINE.List.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-sync.h"

#include "hs-interp-private.h"
#include "hs-listing.h"
#include "hs-arm64.h"
#include "hs-command.h"
#include "hs-disasm.h"

#include <string.h>

/* Data.dump prints what it reads: a bound keeps a typo from asking for gigabytes. */
#define DUMP_MAX_LENGTH   (1u << 20)
#define DUMP_DEFAULT      0x100u
#define SET_MAX_BYTES     4096u
#define LIST_MAX_SYMBOLS  200u
#define LIST_MAX_MAPPINGS 256u

static gboolean
resolve (Call        *call,
         const char  *text,
         HsAddress   *address)
{
  GError *error = NULL;

  if (!hs_interp_resolve_address (call->interp, text, address, &error))
    {
      hs_call_return (call, error);
      return FALSE;
    }
  return TRUE;
}

/* The address as a line prefix: "A:0x...", "I:2:::0x...", "2:::0x..." or "2:::0x5a::0x...". */
static char *
format_line_address (const HsAddress *address,
                     guint64          offset)
{
  HsAddress a = *address;

  a.offset = offset;
  if (a.access == HS_ACCESS_VIRTUAL && a.space == 0)
    return g_strdup_printf ("%u:::0x%016" G_GINT64_MODIFIER "x", a.machine, offset);
  return hs_address_format (&a);
}

/* ---- Data.dump -------------------------------------------------------------------------- */

static void
format_dump (GString            *out,
             const HsMemoryRead *read)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (read->data, &len);
  const guint8 *valid = g_bytes_get_data (read->valid, NULL);

  for (gsize off = 0; off < len; off += 16)
    {
      gsize n = MIN (16, len - off);
      g_autofree char *where = format_line_address (&read->address, read->address.offset + off);

      g_string_append_printf (out, "%s ", where);
      for (gsize i = 0; i < 16; i++)
        {
          if (i == 8)
            g_string_append_c (out, ' ');
          if (i >= n)
            g_string_append (out, "   ");
          else if (valid[off + i])
            g_string_append_printf (out, " %02x", data[off + i]);
          else
            g_string_append (out, " ??");
        }
      g_string_append (out, "  ");
      for (gsize i = 0; i < n; i++)
        g_string_append_c (out, !valid[off + i] ? '?'
                                : g_ascii_isprint (data[off + i]) ? data[off + i] : '.');
      g_string_append_c (out, '\n');
    }
  if (read->fault)
    g_string_append_printf (out, "?? not readable: %s\n", read->fault);
}

static void
dump_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  HsMemoryRead *read = hs_engine_read_finish (HS_ENGINE (object), result, &error);

  if (read == NULL)
    {
      g_prefix_error (&error, "Data.dump: ");
      hs_call_return (call, error);
      return;
    }
  format_dump (call->out, read);
  hs_memory_read_free (read);
  hs_call_return (call, NULL);
}

void
hs_cmd_data_dump (Call *call)
{
  const char *length_text = hs_call_option (call, "Length");
  HsAddress address;
  guint64 length = DUMP_DEFAULT;

  if (!resolve (call, g_ptr_array_index (call->args, 0), &address))
    return;
  if (length_text && !hs_call_eval_number (call, length_text, "/Length", &length))
    return;
  if (length == 0 || length > DUMP_MAX_LENGTH)
    {
      hs_call_fail (call, "Data.dump: /Length must be 1-0x%x bytes", DUMP_MAX_LENGTH);
      return;
    }
  if (hs_address_range_wraps (address.offset, length))
    {
      hs_call_fail (call, "Data.dump: 0x%" G_GINT64_MODIFIER "x + 0x%" G_GINT64_MODIFIER "x runs "
                    "past the end of the address space", address.offset, length);
      return;
    }
  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  hs_engine_read_async (hs_call_engine (call), &address, length, NULL, dump_done, call);
}

/* ---- Data.Set --------------------------------------------------------------------------- */

static void
set_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  if (!hs_engine_write_finish (HS_ENGINE (object), result, &error))
    {
      g_prefix_error (&error, "Data.Set: ");
      hs_call_return (call, error);
      return;
    }
  hs_call_return (call, NULL);
}

static guint
width_of (const char *format)
{
  static const struct { const char *name; guint width; } widths[] = {
    { "Byte", 1 }, { "Word", 2 }, { "Long", 4 }, { "Quad", 8 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    if (hs_command_name_matches (widths[i].name, format))
      return widths[i].width;
  return 0;
}

void
hs_cmd_data_set (Call *call)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GBytes) data = NULL;
  HsExprScope scope = hs_interp_default_scope (call->interp);
  HsExprContext ctx = hs_interp_expr_context (&scope);
  HsAddress address;
  guint width = 1;

  if (!resolve (call, g_ptr_array_index (call->args, 0), &address))
    return;
  for (guint i = 1; i < call->args->len; i++)
    {
      const char *arg = g_ptr_array_index (call->args, i);
      HsValue v = { 0 };
      GError *error = NULL;

      if (arg[0] == '%')
        {
          width = width_of (arg + 1);
          if (width == 0)
            {
              hs_call_fail (call, "Data.Set: unknown format %s (%%Byte, %%Word, %%Long, %%Quad)",
                            arg);
              return;
            }
          continue;
        }
      if (!hs_expr_evaluate (arg, &ctx, &v, &error))
        {
          g_prefix_error (&error, "Data.Set: ");
          hs_call_return (call, error);
          return;
        }
      if (v.type == HS_VALUE_STRING)
        g_byte_array_append (bytes, (const guint8 *) v.string, strlen (v.string));
      else
        {
          /* Little-endian, as the A53 runs here. */
          if (width < 8 && v.number >> (8 * width) != 0 && ~v.number >> (8 * width - 1) != 0)
            {
              hs_value_clear (&v);
              hs_call_fail (call, "Data.Set: %s does not fit in %u byte%s", arg, width,
                            width == 1 ? "" : "s");
              return;
            }
          for (guint b = 0; b < width; b++)
            {
              guint8 byte = (v.number >> (8 * b)) & 0xff;

              g_byte_array_append (bytes, &byte, 1);
            }
        }
      hs_value_clear (&v);
      if (bytes->len > SET_MAX_BYTES)
        {
          hs_call_fail (call, "Data.Set: at most %u bytes at a time", SET_MAX_BYTES);
          return;
        }
    }
  if (bytes->len == 0)
    {
      hs_call_fail (call, "Data.Set: give a value to write, e.g. Data.Set %s %%Long 0x1234",
                    (const char *) g_ptr_array_index (call->args, 0));
      return;
    }
  if (hs_address_range_wraps (address.offset, bytes->len))
    {
      hs_call_fail (call, "Data.Set: the value runs past the end of the address space");
      return;
    }
  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  data = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
  hs_engine_write_async (hs_call_engine (call), &address, data, NULL, set_done, call);
}

/* ---- Data.LOAD.Elf ---------------------------------------------------------------------- */

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  g_autoptr(HsSymbolFile) file = hs_engine_load_symbols_finish (HS_ENGINE (object), result,
                                                                &error);
  g_autofree char *text = NULL;

  if (file == NULL)
    {
      g_prefix_error (&error, "Data.LOAD.Elf: ");
      hs_call_return (call, error);
      return;
    }
  text = hs_symbol_file_describe (file);
  g_string_append_printf (call->out, "%s\n", text);
  hs_call_return (call, NULL);
}

void
hs_cmd_data_load_elf (Call *call)
{
  g_autofree char *path = g_strdup (g_ptr_array_index (call->args, 0));
  const char *name = hs_call_option (call, "Name");
  HsAddressSpec spec = { 0 };
  guint64 offset = 0;
  guint machine = hs_engine_get_current_machine (hs_call_engine (call));
  guint64 space = 0;
  GError *error = NULL;

  if (path[0] == '"' && strlen (path) >= 2 && g_str_has_suffix (path, "\""))
    {
      char *unquoted = g_strndup (path + 1, strlen (path) - 2);

      g_free (path);
      path = unquoted;
    }
  if (g_str_has_prefix (path, "~/"))
    {
      char *home = g_build_filename (g_get_home_dir (), path + 2, NULL);

      g_free (path);
      path = home;
    }
  /* The first thing to know about a mistyped path. */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      hs_call_fail (call, "Data.LOAD.Elf: no such file: %s", path);
      return;
    }
  /* Loading code would overwrite what the target runs; here the image is already there. */
  if (hs_call_option (call, "NoCODE") == NULL)
    {
      hs_call_fail (call, "Data.LOAD.Elf: writing code into the target is not supported; "
                    "add /NoCODE to load the symbols and debug information only");
      return;
    }
  if (call->args->len > 1)
    {
      HsExprScope scope = hs_interp_default_scope (call->interp);
      HsExprContext ctx;

      if (!hs_address_spec_parse (g_ptr_array_index (call->args, 1), &spec, &error))
        {
          g_prefix_error (&error, "Data.LOAD.Elf: ");
          hs_call_return (call, error);
          return;
        }
      if (spec.access != HS_ACCESS_VIRTUAL)
        {
          hs_address_spec_clear (&spec);
          hs_call_fail (call, "Data.LOAD.Elf: the load offset is a virtual address, "
                        "without A: or I:");
          return;
        }
      if (spec.has_machine)
        machine = spec.machine;
      if (spec.has_space)
        space = spec.space;
      ctx = hs_interp_expr_context (&scope);
      if (!hs_expr_evaluate_number (spec.expression, &ctx, &offset, &error))
        {
          hs_address_spec_clear (&spec);
          g_prefix_error (&error, "Data.LOAD.Elf: offset: ");
          hs_call_return (call, error);
          return;
        }
      hs_address_spec_clear (&spec);
    }
  hs_engine_load_symbols_async (hs_call_engine (call), path, machine, space, offset, name, NULL,
                                load_done, call);
}

/* ---- sYmbol.List / sYmbol.INFO ---------------------------------------------------------- */

static gboolean
split_machine (Call        *call,
               const char  *text,
               guint       *machine,
               const char **rest)
{
  const char *sep = strstr (text, ":::");
  GError *error = NULL;

  *machine = hs_engine_get_current_machine (hs_call_engine (call));
  *rest = text;
  if (sep != NULL)
    {
      g_autofree char *id = g_strndup (text, sep - text);
      guint64 v;

      if (!hs_call_eval_number (call, id, "machine", &v))
        return FALSE;
      *machine = (guint) v;
      *rest = sep + 3;
    }
  if (!hs_engine_check_machine (hs_call_engine (call), *machine, &error))
    {
      hs_call_return (call, error);
      return FALSE;
    }
  return TRUE;
}

static const char *
kind_name (HsSymbolKind kind)
{
  switch (kind)
    {
    case HS_SYMBOL_FUNCTION: return "function";
    case HS_SYMBOL_OBJECT: return "object";
    case HS_SYMBOL_OTHER:
    default: return "label";
    }
}

void
hs_cmd_symbol_list (Call *call)
{
  const char *pattern = "*";
  g_autoptr(GPtrArray) bindings = NULL;
  guint machine;
  guint shown = 0, total = 0;

  if (call->args->len > 0 && !split_machine (call, g_ptr_array_index (call->args, 0), &machine,
                                             &pattern))
    return;
  if (call->args->len == 0)
    machine = hs_engine_get_current_machine (hs_call_engine (call));
  bindings = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (hs_call_engine (call)), machine);
  if (bindings->len == 0)
    {
      hs_call_fail (call, "sYmbol.List: machine %u has no symbols (Data.LOAD.Elf FILE %u:::0 "
                    "/NoCODE)", machine, machine);
      return;
    }
  for (guint i = 0; i < bindings->len; i++)
    {
      const HsSymbolBinding *b = g_ptr_array_index (bindings, i);
      guint n = 0;
      g_autoptr(GArray) found = hs_symbol_file_match (b->file, pattern,
                                                      LIST_MAX_SYMBOLS - shown, &n);

      total += n;
      for (guint k = 0; found && k < found->len; k++)
        {
          const HsSymbol *sym = &g_array_index (found, HsSymbol, k);

          g_string_append_printf (call->out, "%u:::0x%016" G_GINT64_MODIFIER "x  %8"
                                  G_GUINT64_FORMAT "  %-8s  %s\n", machine,
                                  sym->address + b->offset, sym->size, kind_name (sym->kind),
                                  sym->name);
          shown++;
        }
    }
  if (total > shown)
    g_string_append_printf (call->out, "... %u more; narrow the pattern\n", total - shown);
  else if (total == 0)
    g_string_append_printf (call->out, "no symbol matches '%s' in machine %u\n", pattern, machine);
  hs_call_return (call, NULL);
}

typedef struct
{
  GPtrArray *bindings;
  char *name;
  guint machine;
} InfoRequest;

static void
info_request_free (InfoRequest *req)
{
  g_clear_pointer (&req->bindings, g_ptr_array_unref);
  g_free (req->name);
  g_free (req);
}

/* DWARF may need indexing first: never on the main thread. */
static void
info_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  InfoRequest *req = data;
  GString *out = g_string_new (NULL);
  gboolean any = FALSE;

  for (guint i = 0; i < req->bindings->len; i++)
    {
      const HsSymbolBinding *b = g_ptr_array_index (req->bindings, i);
      g_auto(HsSymbolInfo) info = { 0 };
      g_autoptr(GError) error = NULL;
      g_autofree char *line_file = NULL;
      guint line = 0;

      if (!hs_symbol_file_get_variable (b->file, req->name, &info, &error))
        {
          g_clear_error (&error);
          if (!hs_symbol_file_get_function (b->file, req->name, &info, &error))
            continue;
        }
      any = TRUE;
      g_string_append_printf (out, "%s  (%s, in %s)\n", info.name, kind_name (info.kind),
                              hs_symbol_file_get_path (b->file));
      if (info.type_name)
        g_string_append_printf (out, "  type     %s\n", info.type_name);
      if (info.has_address)
        g_string_append_printf (out, "  address  %u:::0x%016" G_GINT64_MODIFIER "x\n",
                                req->machine, info.address + b->offset);
      g_string_append_printf (out, "  size     %" G_GUINT64_FORMAT " bytes\n", info.size);
      if (info.decl_file)
        g_string_append_printf (out, "  declared %s:%u\n", info.decl_file, info.decl_line);
      if (info.kind == HS_SYMBOL_FUNCTION && info.has_address
          && hs_symbol_file_address_to_line (b->file, info.address, &line_file, &line, NULL))
        g_string_append_printf (out, "  code at  %s:%u\n", line_file, line);
    }
  if (!any)
    {
      g_string_free (out, TRUE);
      g_task_return_new_error (task, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS,
                               "sYmbol.INFO: no variable or function '%s' in machine %u",
                               req->name, req->machine);
      return;
    }
  g_task_return_pointer (task, g_string_free (out, FALSE), g_free);
}

static void
info_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  g_autofree char *text = hs_task_propagate_pointer (G_TASK (result), &error);

  if (text == NULL)
    {
      hs_call_return (call, error);
      return;
    }
  g_string_append (call->out, text);
  hs_call_return (call, NULL);
}

void
hs_cmd_symbol_info (Call *call)
{
  g_autoptr(GTask) task = NULL;
  InfoRequest *req;
  const char *name;
  guint machine;

  if (!split_machine (call, g_ptr_array_index (call->args, 0), &machine, &name))
    return;
  req = g_new0 (InfoRequest, 1);
  req->bindings = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (hs_call_engine (call)), machine);
  req->name = g_strdup (name);
  req->machine = machine;
  if (req->bindings->len == 0)
    {
      info_request_free (req);
      hs_call_fail (call, "sYmbol.INFO: machine %u has no symbols", machine);
      return;
    }
  task = g_task_new (NULL, NULL, info_done, call);
  g_task_set_task_data (task, req, (GDestroyNotify) info_request_free);
  hs_task_run_in_thread (task, info_thread);
}

/* ---- MMU.Translate / MMU.List.PageTable ------------------------------------------------- */

static void
translate_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Call *call = user_data;
  HsEngine *engine = HS_ENGINE (object);
  GError *error = NULL;
  HsTranslation *t = hs_engine_translate_finish (engine, result, &error);
  g_autofree char *where = NULL;
  g_autofree char *symbol = NULL;

  if (t == NULL)
    {
      g_prefix_error (&error, "MMU.Translate: ");
      hs_call_return (call, error);
      return;
    }
  where = hs_address_format (&t->address);
  if (t->address.access == HS_ACCESS_VIRTUAL)
    symbol = hs_engine_symbolize (engine, t->address.machine, t->address.space,
                                  t->address.offset);
  g_string_append_printf (call->out, "%s%s%s%s\n", where, symbol ? " (" : "",
                          symbol ? symbol : "", symbol ? ")" : "");
  g_string_append_printf (call->out, "  registers: %s\n", t->source);
  if (t->fault == NULL || t->mmu.s1_size || t->mmu.s2_size)
    {
      if (t->address.access == HS_ACCESS_VIRTUAL)
        {
          if (t->stage1)
            g_string_append_printf (call->out, "  stage 1: VA  0x%016" G_GINT64_MODIFIER "x -> "
                                    "%s 0x%010" G_GINT64_MODIFIER "x  (%s, level %u, %"
                                    G_GUINT64_FORMAT " KiB, descriptor 0x%016" G_GINT64_MODIFIER
                                    "x)\n", t->mmu.input, t->stage2 ? "IPA" : "PA ",
                                    t->mmu.ipa, t->address.machine == 0 ? "TTBR0_EL2"
                                    : t->mmu.ttbr1 ? "TTBR1_EL1" : "TTBR0_EL1",
                                    t->mmu.s1_level, t->mmu.s1_size / 1024, t->mmu.s1_desc);
          else
            g_string_append (call->out, "  stage 1: off (SCTLR.M = 0)\n");
        }
      if (t->stage2 && t->fault == NULL)
        g_string_append_printf (call->out, "  stage 2: IPA 0x%010" G_GINT64_MODIFIER "x -> "
                                "PA  0x%010" G_GINT64_MODIFIER "x  (VTTBR_EL2, VMID %u, level %u, %"
                                G_GUINT64_FORMAT " KiB, descriptor 0x%016" G_GINT64_MODIFIER
                                "x)\n", t->mmu.ipa, t->mmu.pa, t->mmu.vmid, t->mmu.s2_level,
                                t->mmu.s2_size / 1024, t->mmu.s2_desc);
    }
  if (t->fault)
    g_string_append_printf (call->out, "  fault: %s\n", t->fault);
  else
    {
      g_autofree char *attrs = hs_mmu_format_attributes (&t->mmu);

      g_string_append_printf (call->out, "  result: A:0x%016" G_GINT64_MODIFIER "x  %s\n",
                              t->mmu.pa, attrs ? attrs : "");
    }
  hs_translation_free (t);
  hs_call_return (call, NULL);
}

void
hs_cmd_mmu_translate (Call *call)
{
  HsAddress address;

  if (!resolve (call, g_ptr_array_index (call->args, 0), &address)
      || !hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  hs_engine_translate_async (hs_call_engine (call), &address, NULL, translate_done, call);
}

static void
list_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  g_autofree char *source = NULL;
  g_autoptr(GArray) mappings = hs_engine_list_mappings_finish (HS_ENGINE (object), result,
                                                               &source, &error);

  if (mappings == NULL)
    {
      g_prefix_error (&error, "MMU.List.PageTable: ");
      hs_call_return (call, error);
      return;
    }
  g_string_append_printf (call->out, "registers: %s\n", source);
  g_string_append (call->out, "input                                       IPA"
                              "             PA              size        attributes\n");
  for (guint i = 0; i < mappings->len; i++)
    {
      const HsMmuTranslation *m = &g_array_index (mappings, HsMmuTranslation, i);
      g_autofree char *attrs = hs_mmu_format_attributes (m);

      g_string_append_printf (call->out, "0x%016" G_GINT64_MODIFIER "x--0x%016"
                              G_GINT64_MODIFIER "x  0x%012" G_GINT64_MODIFIER "x  0x%012"
                              G_GINT64_MODIFIER "x  %8" G_GUINT64_FORMAT "K  %s\n",
                              m->input, m->input + m->size - 1, m->ipa, m->pa, m->size / 1024,
                              attrs ? attrs : "");
    }
  if (mappings->len == 0)
    g_string_append (call->out, "(nothing mapped in this range)\n");
  else if (mappings->len >= LIST_MAX_MAPPINGS)
    g_string_append_printf (call->out, "... stopped after %u mappings; give a narrower range\n",
                            LIST_MAX_MAPPINGS);
  hs_call_return (call, NULL);
}

void
hs_cmd_mmu_list_pagetable (Call *call)
{
  const char *text = call->args->len ? g_ptr_array_index (call->args, 0) : "0";
  g_autofree char *start_text = NULL;
  const char *sep;
  HsAddress start;
  guint64 end = G_MAXUINT64;

  /* TRACE32 ranges: start--end or start++length. */
  if ((sep = strstr (text, "--")) != NULL || (sep = strstr (text, "++")) != NULL)
    start_text = g_strndup (text, sep - text);
  else
    start_text = g_strdup (text);
  if (!resolve (call, start_text, &start))
    return;
  if (sep != NULL)
    {
      guint64 v;

      if (!hs_call_eval_number (call, sep + 2, "range end", &v))
        return;
      if (sep[0] == '+')
        {
          if (v == 0 || hs_address_range_wraps (start.offset, v))
            {
              hs_call_fail (call, "MMU.List.PageTable: bad length %s", sep + 2);
              return;
            }
          end = start.offset + v - 1;
        }
      else
        end = v;
      if (end < start.offset)
        {
          hs_call_fail (call, "MMU.List.PageTable: the range ends before it starts");
          return;
        }
    }
  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  hs_engine_list_mappings_async (hs_call_engine (call), &start, end, LIST_MAX_MAPPINGS, NULL,
                                 list_done, call);
}

/* ---- MACHINE.List ----------------------------------------------------------------------- */

/* The core a vCPU runs on now, or -1. */
static gint
core_of_vcpu (HsEngine *engine,
              guint64   vcpu)
{
  HsGuestModel *model = hs_engine_get_guest_model (engine);

  for (guint c = 0; c < hs_engine_get_n_cores (engine); c++)
    if (hs_guest_model_get_core_vcpu (model, c) == vcpu)
      return (gint) c;
  return -1;
}

static void
append_vcpus (Call              *call,
              HsEngine          *engine,
              const HsXenDomain *dom)
{
  for (guint i = 0; i < dom->n_vcpu_info; i++)
    {
      const HsXenVcpu *v = &dom->vcpus[i];
      gint core = core_of_vcpu (engine, v->va);
      guint64 pc = v->pc;
      const char *where = "saved by Xen";

      /* On a halted core the guest's pc is live: the core's own, or where it trapped to Xen. */
      if (core >= 0)
        {
          HsCore *c = hs_engine_get_core (engine, core);

          if (hs_core_get_exception_level (c) < 2)
            hs_core_get_pc (c, &pc);
          else
            hs_core_get_register_by_name (c, "ELR_EL2", &pc);
          where = "live";
        }
      g_string_append_printf (call->out, "        vCPU %u  %-8s  pCPU %d  pc 0x%016"
                              G_GINT64_MODIFIER "x (%s)\n", v->id, hs_xen_vcpu_state (v),
                              v->processor, pc, where);
    }
}

static void
append_pcpus (Call     *call,
              HsEngine *engine)
{
  HsGuestModel *model = hs_engine_get_guest_model (engine);
  GListModel *machines = hs_engine_get_machines (engine);
  gboolean known = FALSE;

  /* Which vCPU each pCPU runs is known once Xen's symbols are. */
  for (guint c = 0; c < hs_engine_get_n_cores (engine); c++)
    known |= hs_guest_model_get_core_vcpu (model, c) != 0;
  for (guint c = 0; known && c < hs_engine_get_n_cores (engine); c++)
    {
      guint64 vcpu = hs_guest_model_get_core_vcpu (model, c);
      g_autofree char *runs = NULL;

      for (guint k = 0; k < g_list_model_get_n_items (machines) && runs == NULL; k++)
        {
          g_autoptr(HsMachine) m = g_list_model_get_item (machines, k);
          const HsXenDomain *d = hs_guest_model_get_domain (model, hs_machine_get_id (m));

          for (guint i = 0; d != NULL && i < d->n_vcpu_info && runs == NULL; i++)
            if (d->vcpus[i].va == vcpu)
              runs = g_strdup_printf ("machine %u (domain %d) vCPU %u", d->machine, d->domain_id,
                                      d->vcpus[i].id);
        }
      g_string_append_printf (call->out, "        pCPU %u  runs %s\n", c,
                              runs ? runs : "Xen's idle vCPU");
    }
}

void
hs_cmd_machine_list (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  GListModel *machines = hs_engine_get_machines (engine);
  guint current = hs_engine_get_current_machine (engine);
  guint n = g_list_model_get_n_items (machines);

  g_string_append (call->out, "  id  name        state         domain  VMID  vCPUs  "
                              "stage-2 base (VTTBR)  symbols\n");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsMachine) m = g_list_model_get_item (machines, i);
      g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (engine), hs_machine_get_id (m));
      GString *files = g_string_new (NULL);
      gboolean guest = hs_machine_get_kind (m) == HS_MACHINE_GUEST;
      g_autofree char *domain = guest && hs_machine_get_domain_id (m) >= 0
        ? g_strdup_printf ("%d", hs_machine_get_domain_id (m)) : g_strdup ("-");

      for (guint k = 0; k < bindings->len; k++)
        {
          const HsSymbolBinding *b = g_ptr_array_index (bindings, k);
          g_autofree char *base = g_path_get_basename (hs_symbol_file_get_path (b->file));

          g_string_append_printf (files, "%s%s", k ? ", " : "", base);
        }
      const HsXenDomain *dom = guest
        ? hs_guest_model_get_domain (hs_engine_get_guest_model (engine), hs_machine_get_id (m))
        : NULL;

      g_string_append_printf (call->out, "%c %2u  %-10s  %-12s  %6s  %4u  %5u  "
                              "0x%016" G_GINT64_MODIFIER "x    %s\n",
                              hs_machine_get_id (m) == current ? '*' : ' ',
                              hs_machine_get_id (m), hs_machine_get_name (m),
                              !guest ? "hypervisor"
                              : dom && hs_machine_get_state (m) == HS_MACHINE_STATE_PRESENT
                                ? hs_xen_domain_state (dom)
                                : hs_machine_state_to_string (hs_machine_get_state (m)),
                              domain, guest ? hs_machine_get_vmid (m) : 0,
                              guest ? hs_machine_get_n_vcpus (m) : hs_engine_get_n_cores (engine),
                              guest ? hs_machine_get_vttbr (m) : 0,
                              files->len ? files->str : "(none)");
      g_string_free (files, TRUE);
      if (!guest)
        append_pcpus (call, engine);
      else if (dom)
        append_vcpus (call, engine, dom);
    }
  hs_call_return (call, NULL);
}

/* ---- TASK.List -------------------------------------------------------------------------- */

gboolean
hs_call_get_machine_option (Call     *call,
                            guint    *machine,
                            gboolean *given)
{
  const char *text = hs_call_option (call, "MACHINE");
  GError *error = NULL;
  guint64 v;

  *given = text != NULL;
  *machine = hs_engine_get_current_machine (hs_call_engine (call));
  if (text == NULL)
    return TRUE;
  if (!hs_call_eval_number (call, text, "/MACHINE", &v))
    return FALSE;
  if (v > G_MAXUINT || !hs_engine_check_machine (hs_call_engine (call), (guint) v, &error))
    {
      if (error == NULL)
        error = g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SUCH_MACHINE,
                             "/MACHINE %s is out of range", text);
      hs_call_return (call, error);
      return FALSE;
    }
  *machine = (guint) v;
  return TRUE;
}

void
hs_cmd_task_list (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  GListModel *tasks = hs_engine_get_tasks (engine);
  guint n = g_list_model_get_n_items (tasks);
  guint machine, shown = 0;
  gboolean only_one;
  const char *notes;

  if (!hs_call_get_machine_option (call, &machine, &only_one))
    return;
  g_string_append (call->out, "  machine          pid   tgid  space  name              state"
                              "           cpu  current\n");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsTask) task = g_list_model_get_item (tasks, i);
      HsMachine *m = hs_engine_get_machine (engine, hs_task_get_machine (task));
      g_autofree char *current = NULL;
      g_autofree char *mname = NULL;

      if (only_one && hs_task_get_machine (task) != machine)
        continue;
      if (hs_task_get_current_vcpu (task) >= 0)
        current = hs_task_get_core (task) >= 0
                  ? g_strdup_printf ("vCPU %d on core %d", hs_task_get_current_vcpu (task),
                                     hs_task_get_core (task))
                  : g_strdup_printf ("vCPU %d", hs_task_get_current_vcpu (task));
      mname = g_strdup_printf ("%u %s", hs_task_get_machine (task),
                               m ? hs_machine_get_name (m) : "?");
      g_string_append_printf (call->out, "%c %-12s %7d %6d %6" G_GUINT64_FORMAT "  %-16s  %-14s"
                              "  %3d  %s%s%s\n",
                              hs_task_get_core (task) >= 0 ? '*' : ' ', mname,
                              hs_task_get_pid (task), hs_task_get_tgid (task),
                              hs_task_get_space (task), hs_task_get_name (task),
                              hs_task_get_state_text (task), hs_task_get_cpu (task),
                              current ? current : "",
                              hs_task_is_corrupt (task) ? "  CORRUPT: " : "",
                              hs_task_is_corrupt (task) ? hs_task_get_corrupt_reason (task) : "");
      shown++;
    }
  notes = hs_engine_get_task_notes (engine);
  if (notes)
    g_string_append_printf (call->out, "%s", notes);
  if (shown == 0 && n == 0 && (notes == NULL || *notes == 0))
    g_string_append (call->out, "(no tasks: they are read at a halt, for guests whose vmlinux "
                                "is loaded)\n");
  hs_call_return (call, NULL);
}

/* ---- Register.view /MACHINE n /TASK x --------------------------------------------------- */

/* /TASK x in /MACHINE n (or the current machine); without /TASK, the current context's task,
 * else the task current on the machine's first vCPU. */
HsTask *
hs_call_resolve_task (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  const char *which = hs_call_option (call, "TASK");
  GListModel *tasks = hs_engine_get_tasks (engine);
  GError *error = NULL;
  gboolean given;
  guint machine;
  HsTask *task;

  if (!hs_call_get_machine_option (call, &machine, &given))
    return NULL;
  if (which != NULL)
    {
      task = hs_engine_find_task (engine, machine, which, &error);
      if (task == NULL)
        hs_call_return (call, error);
      return task;
    }
  task = hs_engine_get_current_task (engine);
  if (task != NULL && hs_task_get_machine (task) == machine)
    return task;
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(HsTask) t = g_list_model_get_item (tasks, i);

      if (hs_task_get_machine (t) == machine && hs_task_get_current_vcpu (t) == 0)
        return t;  /* the store keeps it */
    }
  hs_call_fail (call, "machine %u has no known current task; name one with /TASK", machine);
  return NULL;
}

static void
append_task_line (GString *out,
                  HsTask  *task)
{
  g_string_append_printf (out, "task %s (pid %d, space %" G_GUINT64_FORMAT ") of machine %u, "
                          "%s%s\n", hs_task_get_name (task), hs_task_get_pid (task),
                          hs_task_get_space (task), hs_task_get_machine (task),
                          hs_task_get_state_text (task),
                          hs_task_get_current_vcpu (task) >= 0 ? ", current on a vCPU" : "");
}

static void
task_regs_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  HsTaskRegisters *regs = hs_engine_task_registers_finish (HS_ENGINE (object), result, &error);
  guint column = 0;

  if (regs == NULL)
    {
      g_prefix_error (&error, "Register.view: ");
      hs_call_return (call, error);
      return;
    }
  g_string_append_printf (call->out, "registers: %s\n", regs->source);
  for (guint i = 0; i < 31; i++)
    {
      if (regs->x_valid[i])
        g_string_append_printf (call->out, "x%-3u 0x%016" G_GINT64_MODIFIER "x", i, regs->x[i]);
      else
        g_string_append_printf (call->out, "x%-3u %-18s", i, "--");
      g_string_append (call->out, ++column % 4 == 0 ? "\n" : "   ");
    }
  g_string_append (call->out, "\n");
  if (regs->sp_valid)
    g_string_append_printf (call->out, "sp   0x%016" G_GINT64_MODIFIER "x\n", regs->sp);
  if (regs->pc_valid)
    {
      /* call->core carries the task's machine here. */
      g_autofree char *sym = hs_engine_symbolize (HS_ENGINE (object), call->core, 0, regs->pc);

      g_string_append_printf (call->out, "pc   0x%016" G_GINT64_MODIFIER "x%s%s\n", regs->pc,
                              sym ? "  " : "", sym ? sym : "");
    }
  if (regs->cpsr_valid)
    {
      g_autofree char *text = hs_arm64_describe_register ("cpsr", regs->cpsr);

      g_string_append_printf (call->out, "cpsr 0x%016" G_GINT64_MODIFIER "x  %s\n", regs->cpsr,
                              text ? text : "");
    }
  if (regs->has_user)
    g_string_append_printf (call->out, "user (pt_regs): pc 0x%016" G_GINT64_MODIFIER "x  sp 0x%016"
                            G_GINT64_MODIFIER "x  x0 0x%016" G_GINT64_MODIFIER "x  x8 0x%"
                            G_GINT64_MODIFIER "x (syscall)\n", regs->user_pc, regs->user_sp,
                            regs->user_x[0], regs->user_x[8]);
  hs_task_registers_free (regs);
  hs_call_return (call, NULL);
}

void
hs_cmd_task_register_view (Call *call)
{
  HsTask *task = hs_call_resolve_task (call);

  if (task == NULL)
    return;
  append_task_line (call->out, task);
  call->core = hs_task_get_machine (task);
  hs_engine_task_registers_async (hs_call_engine (call), task, NULL, task_regs_done, call);
}

/* ---- Frame.view ------------------------------------------------------------------------- */

static void
frames_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  g_autofree char *stop = NULL;
  g_autoptr(GArray) frames = hs_engine_task_frames_finish (HS_ENGINE (object), result, &stop,
                                                           &error);
  g_autofree char *prefix = g_strdup_printf ("%u:::", call->core);

  if (frames == NULL)
    {
      g_prefix_error (&error, "Frame.view: ");
      hs_call_return (call, error);
      return;
    }
  for (guint i = 0; i < frames->len; i++)
    {
      g_autofree char *line = hs_frame_format (&g_array_index (frames, HsFrame, i), prefix);

      g_string_append_printf (call->out, "%s\n", line);
    }
  if (stop)
    g_string_append_printf (call->out, "(%s)\n", stop);
  hs_call_return (call, NULL);
}

void
hs_cmd_frame_view (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  HsTask *task;
  const char *machine = hs_call_option (call, "MACHINE");
  guint64 v = 0;

  gboolean xen;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  if (machine != NULL)
    {
      if (!hs_call_eval_number (call, machine, "/MACHINE", &v))
        return;
      xen = v == 0;
    }
  else
    xen = hs_call_option (call, "TASK") == NULL && hs_engine_get_current_machine (engine) == 0;
  /* Machine 0: Xen's stack on a core, /CORE n or the current one. */
  if (xen)
    {
      guint core = hs_engine_get_current_core (engine);
      const char *core_text = hs_call_option (call, "CORE");

      if (core_text)
        {
          if (!hs_call_eval_number (call, core_text, "/CORE", &v))
            return;
          if (v >= hs_engine_get_n_cores (engine))
            {
              hs_call_fail (call, "Frame.view: core %" G_GUINT64_FORMAT " does not exist", v);
              return;
            }
          core = (guint) v;
        }
      if (hs_core_get_exception_level (hs_engine_get_core (engine, core)) < 2)
        {
          hs_call_fail (call, "Frame.view: core %u is inside machine %u, not in Xen; use "
                        "Frame.view /MACHINE %u /TASK name for the guest's stack", core,
                        hs_engine_get_core_machine (engine, core),
                        hs_engine_get_core_machine (engine, core));
          return;
        }
      g_string_append_printf (call->out, "Xen on core %u\n", core);
      call->core = 0;
      hs_engine_core_frames_async (engine, core, NULL, frames_done, call);
      return;
    }
  if ((task = hs_call_resolve_task (call)) == NULL)
    return;
  append_task_line (call->out, task);
  call->core = hs_task_get_machine (task);
  hs_engine_task_frames_async (hs_call_engine (call), task, NULL, frames_done, call);
}

/* ---- Data.List: disassembly ------------------------------------------------------------- */

#define LIST_DEFAULT_BYTES 0x40u
#define LIST_MAX_BYTES     0x4000u

/* The lines of a listing, built in a thread: symbols, DWARF lines and source files block. */
static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  HsMemoryRead *read = task_data;
  gboolean mix = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "hs-mix"));
  const HsAddress *a = &read->address;
  gboolean virt = a->access == HS_ACCESS_VIRTUAL;
  gsize len;
  const guint8 *code = g_bytes_get_data (read->data, &len);
  GError *error = NULL;
  g_autoptr(GArray) lines = NULL;
  GString *out = g_string_new (NULL);

  /* Physical code has no symbols: the machine's would be a guess. */
  lines = hs_listing_build (source_object, virt ? a->machine : G_MAXUINT, a->space, a->offset,
                            code, g_bytes_get_data (read->valid, NULL), len,
                            virt && mix, cancellable, &error);
  if (lines == NULL)
    {
      g_string_free (out, TRUE);
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < lines->len; i++)
    {
      const HsListingLine *l = &g_array_index (lines, HsListingLine, i);
      g_autofree char *where = format_line_address (a, l->address);

      if (l->kind == HS_LISTING_SOURCE)
        {
          g_autofree char *base = g_path_get_basename (l->file);

          /* The line as in the file, or where it would be when the file is not here. */
          g_string_append_printf (out, "%*s%s:%u  %s\n", 4, "", base, l->line,
                                  *l->text ? l->text : "(source not found)");
        }
      else if (l->kind != HS_LISTING_INSTRUCTION)
        continue;
      else if (!l->readable)
        g_string_append_printf (out, "%s  ????????\n", where);
      else
        g_string_append_printf (out, "%s  %-28s %08x  %-7s %s%s%s%s\n", where,
                                l->symbol ? l->symbol : "", l->insn.word, l->insn.mnemonic,
                                l->insn.operands, l->target ? " <" : "",
                                l->target ? l->target : "", l->target ? ">" : "");
    }
  if (read->fault)
    g_string_append_printf (out, "???????? not readable: %s\n", read->fault);
  g_task_return_pointer (task, g_string_free (out, FALSE), g_free);
}

static void
list_built (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  g_autofree char *text = hs_task_propagate_pointer (G_TASK (result), &error);

  if (text != NULL)
    g_string_append (call->out, text);
  hs_call_return (call, error);
}

static void
list_code_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Call *call = user_data;
  HsEngine *engine = HS_ENGINE (object);
  GError *error = NULL;
  HsMemoryRead *read = hs_engine_read_finish (engine, result, &error);
  g_autoptr(GTask) task = NULL;

  if (read == NULL)
    {
      g_prefix_error (&error, "Data.List: ");
      hs_call_return (call, error);
      return;
    }
  task = g_task_new (engine, g_task_get_cancellable (call->task), list_built, call);
  g_object_set_data (G_OBJECT (task), "hs-mix",
                     GINT_TO_POINTER (hs_call_option (call, "Mix") != NULL));
  g_task_set_task_data (task, read, (GDestroyNotify) hs_memory_read_free);
  hs_task_run_in_thread (task, list_thread);
}

void
hs_cmd_data_list (Call *call)
{
  const char *length_text = hs_call_option (call, "Length");
  HsAddress address;
  guint64 length = LIST_DEFAULT_BYTES;

  if (!resolve (call, g_ptr_array_index (call->args, 0), &address))
    return;
  if (length_text && !hs_call_eval_number (call, length_text, "/Length", &length))
    return;
  if (length < 4 || length > LIST_MAX_BYTES)
    {
      hs_call_fail (call, "Data.List: /Length must be 4-0x%x bytes", LIST_MAX_BYTES);
      return;
    }
  /* AArch64 instructions are 4-byte aligned words. */
  address.offset &= ~G_GUINT64_CONSTANT (3);
  if (hs_address_range_wraps (address.offset, length))
    {
      hs_call_fail (call, "Data.List: the range runs past the end of the address space");
      return;
    }
  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  hs_engine_read_async (hs_call_engine (call), &address, length, NULL, list_code_done, call);
}
