/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-data.c: memory by any address form: Data.dump, Data.Set,
 * Data.List (disassembly, /Mix with source) and PRINT.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-command.h"
#include "hs-interp-private.h"
#include "hs-listing.h"
#include "hs-sync.h"

#include <string.h>

/* Data.dump prints what it reads: a bound keeps a typo from asking for gigabytes. */
#define DUMP_MAX_LENGTH    (1u << 20)
#define DUMP_DEFAULT       0x100u
#define SET_MAX_BYTES      4096u
#define LIST_DEFAULT_BYTES 0x40u
#define LIST_MAX_BYTES     0x4000u

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
  g_autoptr(HsMemoryRead) read = hs_engine_read_finish (HS_ENGINE (object), result, &error);

  if (read == NULL)
    {
      g_prefix_error (&error, "Data.dump: ");
      hs_call_return (call, error);
      return;
    }
  format_dump (call->out, read);
  hs_call_return (call, NULL);
}

static void
cmd_data_dump (Call *call)
{
  const char *length_text = hs_call_option (call, "Length");
  HsAddress address;
  guint64 length = DUMP_DEFAULT;

  if (!hs_call_resolve_address (call, hs_call_arg (call, 0), &address))
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

static void
cmd_data_set (Call *call)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GBytes) data = NULL;
  HsExprScope scope = hs_call_scope (call);
  HsExprContext ctx = hs_interp_expr_context (&scope);
  HsAddress address;
  guint width = 1;

  if (!hs_call_resolve_address (call, hs_call_arg (call, 0), &address))
    return;
  for (guint i = 1; i < call->args->len; i++)
    {
      const char *arg = hs_call_arg (call, i);
      g_auto(HsValue) v = { 0 };
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
      if (bytes->len > SET_MAX_BYTES)
        {
          hs_call_fail (call, "Data.Set: at most %u bytes at a time", SET_MAX_BYTES);
          return;
        }
    }
  if (bytes->len == 0)
    {
      hs_call_fail (call, "Data.Set: give a value to write, e.g. Data.Set %s %%Long 0x1234",
                    hs_call_arg (call, 0));
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

typedef struct
{
  HsMemoryRead *read;
  gboolean mix;
} ListRequest;

static void
list_request_free (ListRequest *req)
{
  hs_memory_read_free (req->read);
  g_free (req);
}

/* The lines of a listing, built in a thread: symbols, DWARF lines and source files block. */
static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ListRequest *req = task_data;
  HsMemoryRead *read = req->read;
  gboolean mix = req->mix;
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
      hs_task_return_error (task, error);
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
  hs_task_return_pointer (task, g_string_free (out, FALSE), g_free);
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
  ListRequest *req;

  if (read == NULL)
    {
      g_prefix_error (&error, "Data.List: ");
      hs_call_return (call, error);
      return;
    }
  req = g_new0 (ListRequest, 1);
  req->read = read;
  req->mix = hs_call_option (call, "Mix") != NULL;
  task = g_task_new (engine, g_task_get_cancellable (call->task), list_built, call);
  g_task_set_task_data (task, req, (GDestroyNotify) list_request_free);
  hs_task_run_in_thread (task, list_thread);
}

static void
cmd_data_list (Call *call)
{
  const char *length_text = hs_call_option (call, "Length");
  HsAddress address;
  guint64 length = LIST_DEFAULT_BYTES;

  if (!hs_call_resolve_address (call, hs_call_arg (call, 0), &address))
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

/* PRINT's formats, each for the values after it: %Hex (0x1f), %Decimal (signed: -1, 31),
 * %Binary (0y11111), %String (as without a format: numbers 0x1f, strings as they are). Strings
 * print as they are in every format, times as times. */
typedef enum
{
  PRINT_DEFAULT,
  PRINT_HEX,
  PRINT_DECIMAL,
  PRINT_BINARY,
} PrintFormat;

typedef struct
{
  guint next;                   /* the argument to print next */
  PrintFormat format;
  gboolean open;                /* %CONTinue: no newline at the end */
} PrintState;

static const struct
{
  const char *name;
  gint format;                  /* -1: not a number format */
} print_formats[] = {
  { "Hex", PRINT_HEX }, { "Decimal", PRINT_DECIMAL }, { "Binary", PRINT_BINARY },
  { "String", PRINT_DEFAULT }, { "CONTinue", -1 }, { "ERROR", -1 }, { "WARNING", -1 },
};

static gint
find_print_format (const char *arg)
{
  for (guint i = 0; i < G_N_ELEMENTS (print_formats); i++)
    if (hs_command_name_matches (print_formats[i].name, arg + 1))
      return (gint) i;
  return -1;
}

static gboolean
is_print_format (const char *arg)
{
  return arg[0] == '%' && g_ascii_isalpha (arg[1]);
}

static void
format_print_value (GString       *out,
                    const HsValue *v,
                    PrintFormat    format)
{
  g_autofree char *text = NULL;

  if (v->type == HS_VALUE_STRING || v->type == HS_VALUE_TIME || format == PRINT_DEFAULT)
    {
      text = hs_value_format (v);
      g_string_append (out, text);
      return;
    }
  switch (format)
    {
    case PRINT_HEX:
      g_string_append_printf (out, "0x%" G_GINT64_MODIFIER "x", v->number);
      break;
    case PRINT_DECIMAL:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) v->number);
      break;
    case PRINT_BINARY:
      {
        int bits = 64;

        while (bits > 1 && !(v->number >> (bits - 1) & 1))
          bits--;
        g_string_append (out, "0y");
        for (int b = bits - 1; b >= 0; b--)
          g_string_append_c (out, (v->number >> b & 1) ? '1' : '0');
      }
      break;
    case PRINT_DEFAULT:
    default:
      g_assert_not_reached ();
    }
}

static void print_next (Call *call);

static void
print_evaluated (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Call *call = user_data;
  PrintState *state = call->state;
  g_auto(HsValue) v = { 0 };
  GError *error = NULL;

  if (!hs_interp_evaluate_finish (HS_INTERP (object), result, &v, &error))
    {
      g_prefix_error (&error, "PRINT: ");
      hs_call_return (call, error);
      return;
    }
  format_print_value (call->out, &v, state->format);
  print_next (call);
}

/* The values, one at a time (each may read memory on the engine's worker), in order. */
static void
print_next (Call *call)
{
  PrintState *state = call->state;

  while (state->next < call->args->len)
    {
      const char *arg = hs_call_arg (call, state->next++);

      if (is_print_format (arg))
        {
          gint format = print_formats[find_print_format (arg)].format;

          if (format >= 0)
            state->format = format;
          continue;
        }
      hs_interp_evaluate_async (call->interp, arg, g_task_get_cancellable (call->task),
                                print_evaluated, call);
      return;
    }
  if (!state->open)
    g_string_append_c (call->out, '\n');
  hs_call_return (call, NULL);
}

/* PRINT [%format] value...: %CONTinue leaves the line open, %ERROR and %WARNING start it with
 * "error: " or "warning: ". Formats are checked before anything is evaluated. */
static void
cmd_print (Call *call)
{
  PrintState *state = hs_call_new_state (call, PrintState, NULL);

  for (guint i = 0; i < call->args->len; i++)
    {
      const char *arg = hs_call_arg (call, i);
      gint k;

      if (!is_print_format (arg))
        continue;
      k = find_print_format (arg);
      if (k < 0)
        {
          hs_call_fail (call, "PRINT: unknown format %s (%%Hex, %%Decimal, %%Binary, %%String, "
                        "%%CONTinue, %%ERROR, %%WARNING)", arg);
          return;
        }
      if (g_str_equal (print_formats[k].name, "CONTinue"))
        state->open = TRUE;
      else if (g_str_equal (print_formats[k].name, "ERROR") && call->out->len == 0)
        g_string_append (call->out, "error: ");
      else if (g_str_equal (print_formats[k].name, "WARNING") && call->out->len == 0)
        g_string_append (call->out, "warning: ");
    }
  print_next (call);
}

static const OptionSpec dump_options[] = { { "Length", TRUE }, { NULL } };
static const OptionSpec list_options[] = { { "Length", TRUE }, { "Mix", FALSE }, { NULL } };

const CommandSpec hs_data_commands[] = {
  { "Data.dump", "Data.dump address [/Length n]",
    "show memory as hex and ASCII, by any address form", 1, 1, dump_options, cmd_data_dump,
    .needs_tasks = TRUE },
  { "Data.List", "Data.List address [/Length n] [/Mix]",
    "disassemble (AArch64), branch targets as symbols, by any address form; /Mix: with the "
    "source lines", 1, 1, list_options, cmd_data_list, .needs_tasks = TRUE },
  { "Data.Set", "Data.Set address [%Byte|%Word|%Long|%Quad] value|\"text\"...",
    "write memory, by any address form", 2, G_MAXUINT, NULL, cmd_data_set,
    .needs_tasks = TRUE },
  { "PRINT", "PRINT [%Hex|%Decimal|%Binary|%String|%CONTinue|%ERROR|%WARNING] "
    "[expression|\"text\"]...", "print values (Data.Long(address) and the like read memory)",
    0, G_MAXUINT, NULL, cmd_print, .own_evaluation = TRUE },
  { NULL }
};
