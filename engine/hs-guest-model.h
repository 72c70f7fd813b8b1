/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-guest-model.h: the machines, their vCPUs and every guest's tasks, as the
 * stable objects the views bind to.
 *
 * A halt's facts (Xen's domains, which vCPU each core runs, every guest's
 * task records) are read on the engine's worker and applied here, on the
 * main thread, in place: an object keeps its identity from halt to halt,
 * changes are notified only where something changed, and the task list
 * takes a halt's changes as one splice.
 */
#pragma once

#include <gio/gio.h>

#include "hs-machine.h"
#include "hs-task.h"
#include "hs-xen.h"

G_BEGIN_DECLS

#define HS_TYPE_GUEST_MODEL (hs_guest_model_get_type ())
G_DECLARE_FINAL_TYPE (HsGuestModel, hs_guest_model, HS, GUEST_MODEL, GObject)

/* @cores: the engine's HsCore list (a vCPU a halted core runs shows that core's pc). */
HsGuestModel    *hs_guest_model_new              (GListModel        *cores);
GListModel      *hs_guest_model_get_machines     (HsGuestModel      *self);
GListModel      *hs_guest_model_get_tasks        (HsGuestModel      *self);
HsMachine       *hs_guest_model_get_machine      (HsGuestModel      *self,
                                                  guint              id);
/* The machine with @id, made (in id order) if it does not exist yet. */
HsMachine       *hs_guest_model_ensure_machine   (HsGuestModel      *self,
                                                  guint              id,
                                                  gboolean          *added);
/* "0 (hypervisor), 1 (linux1), ..." */
char            *hs_guest_model_describe_machines (HsGuestModel     *self);
/* What Xen said of machine @id's domain at the last halt, or NULL. */
const HsXenDomain *hs_guest_model_get_domain     (HsGuestModel      *self,
                                                  guint              id);
/* The vCPU (Xen's struct vcpu *) core @core ran at the last halt, or 0. */
guint64          hs_guest_model_get_core_vcpu    (HsGuestModel      *self,
                                                  guint              core);
const char      *hs_guest_model_get_task_notes   (HsGuestModel      *self);
/* @which: a pid ("95", "95.") or a name (the first task with it, processes first). */
HsTask          *hs_guest_model_find_task        (HsGuestModel      *self,
                                                  guint              machine,
                                                  const char        *which,
                                                  GError           **error);
/* The task a halted core runs inside its guest, by the halt's records; NULL if none. */
HsTask          *hs_guest_model_find_core_task   (HsGuestModel      *self,
                                                  guint              core);

/* A halt's facts: @guests (of HsXenDomain with machine ids; the model keeps a reference),
 * @current_vcpus (per core, may be NULL), @tasks (of HsTaskRecord) and what could not be
 * read of them. NULL guests or tasks leave those as they were (not read at this halt).
 * Returns whether machines appeared or changed. */
gboolean         hs_guest_model_apply            (HsGuestModel      *self,
                                                  GArray            *guests,
                                                  const guint64     *current_vcpus,
                                                  guint              n_cores,
                                                  GArray            *tasks,
                                                  const char        *notes);
/* A halt's first look, before its whole task lists: the guests, and the tasks their vCPUs run
 * (@only_machine >= 0: of that guest only, after a step), updated in place. The next
 * hs_guest_model_apply() with the whole lists puts every task in its place. */
void             hs_guest_model_apply_first      (HsGuestModel      *self,
                                                  GArray            *guests,
                                                  const guint64     *current_vcpus,
                                                  guint              n_cores,
                                                  GArray            *tasks,
                                                  gint               only_machine);
/* Says machines-changed (a machine was added or renamed outside a halt). */
void             hs_guest_model_machines_changed (HsGuestModel      *self);
/* After a write into Xen's saved registers of a vCPU: the copy the views read. */
void             hs_guest_model_update_saved_vcpu (HsGuestModel     *self,
                                                   guint             machine,
                                                   guint             vcpu,
                                                   const char       *member,
                                                   guint64           value);

G_END_DECLS
