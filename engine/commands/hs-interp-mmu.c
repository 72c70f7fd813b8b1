/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-mmu.c: MMU.Translate (each stage of one translation) and
 * MMU.List.PageTable (the mappings of a range).
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-interp-private.h"

#include <string.h>

#define LIST_MAX_MAPPINGS 256u

static void
translate_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Call *call = user_data;
  HsEngine *engine = HS_ENGINE (object);
  GError *error = NULL;
  g_autoptr(HsTranslation) t = hs_engine_translate_finish (engine, result, &error);
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
  hs_call_return (call, NULL);
}

static void
cmd_mmu_translate (Call *call)
{
  HsAddress address;

  if (!hs_call_resolve_address (call, hs_call_arg (call, 0), &address)
      || !hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  hs_engine_translate_async (hs_call_engine (call), &address, NULL, translate_done, call);
}

typedef struct
{
  guint64 end;
} ListState;

static void
list_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  ListState *state = call->state;
  GError *error = NULL;
  g_autofree char *source = NULL;
  guint64 next = 0;
  g_autoptr(GArray) mappings = hs_engine_list_mappings_finish (HS_ENGINE (object), result,
                                                               &source, &next, &error);
  gboolean covered = next == state->end + 1;    /* wraps to 0 with the top of the space */

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
  if (covered && mappings->len == 0)
    g_string_append (call->out, "(nothing mapped in this range)\n");
  else if (!covered && mappings->len >= LIST_MAX_MAPPINGS)
    g_string_append_printf (call->out, "... stopped after %u mappings, at 0x%" G_GINT64_MODIFIER
                            "x: list from there, or give a narrower range\n",
                            LIST_MAX_MAPPINGS, next);
  else if (!covered)
    /* Tables that map little through a great many table reads (hostile or corrupt ones) spend
     * the listing's budget: say where it stopped rather than "nothing mapped". */
    g_string_append_printf (call->out, "... stopped at 0x%" G_GINT64_MODIFIER "x after %u "
                            "mappings: the page tables took more reading than a listing may "
                            "(%u MiB for %u mappings); list from there to go on\n", next,
                            mappings->len,
                            (HS_MMU_LIST_BYTES_BASE + HS_MMU_LIST_BYTES_PER_ENTRY
                             * LIST_MAX_MAPPINGS) >> 20, LIST_MAX_MAPPINGS);
  hs_call_return (call, NULL);
}

static void
cmd_mmu_list_pagetable (Call *call)
{
  const char *text = call->args->len ? hs_call_arg (call, 0) : "0";
  g_autofree char *start_text = NULL;
  const char *sep;
  HsAddress start;
  guint64 end = G_MAXUINT64;

  /* TRACE32 ranges: start--end or start++length. */
  if ((sep = strstr (text, "--")) != NULL || (sep = strstr (text, "++")) != NULL)
    start_text = g_strndup (text, sep - text);
  else
    start_text = g_strdup (text);
  if (!hs_call_resolve_address (call, start_text, &start))
    return;
  if (sep != NULL)
    {
      guint64 v;
      /* "2:::a--b": the end is in the start's machine and space. */
      HsExprScope scope = hs_call_scope (call);
      HsExprContext ctx;
      GError *error = NULL;

      scope.machine = start.machine;
      scope.space = start.space;
      ctx = hs_interp_expr_context (&scope);
      if (!hs_expr_evaluate_number (sep + 2, &ctx, &v, &error))
        {
          g_prefix_error (&error, "range end: ");
          hs_call_return (call, error);
          return;
        }
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
  hs_call_new_state (call, ListState, NULL)->end = end;
  hs_engine_list_mappings_async (hs_call_engine (call), &start, end, LIST_MAX_MAPPINGS, NULL,
                                 list_done, call);
}

const CommandSpec hs_mmu_commands[] = {
  { "MMU.Translate", "MMU.Translate address",
    "each stage of a translation: VA -> IPA -> PA, or where it faults", 1, 1, NULL,
    cmd_mmu_translate, .needs_tasks = TRUE },
  { "MMU.List.PageTable", "MMU.List.PageTable [machine:::space::]start[--end|++length]",
    "the mappings of a range, with their attributes", 0, 1, NULL, cmd_mmu_list_pagetable,
    .needs_tasks = TRUE },
  { NULL }
};
