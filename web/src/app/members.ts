// The yacht's members by user id, so a record or a list shows "Chris Engineer" rather than a uuid.
// Names are a nicety: if /v1/members fails the page still works and shows short ids.
import type { Member } from "../api/types";
import { useSession } from "./session";
import { useLoad } from "./useLoad";

export type People = ReadonlyMap<string, Member>;

/** The members, and whether reading them failed (the signature step says so). */
export function useMembersLoad(): { people: People; failed: boolean } {
  const { api, yachtId } = useSession();
  const load = useLoad(
    () => api.members(yachtId).then((answer) => new Map(answer.members.map((m) => [m.user_id.toLowerCase(), m]))),
    [api, yachtId],
  );
  return { people: load.data ?? NO_ONE, failed: load.error !== undefined };
}

export function useMembers(): People {
  return useMembersLoad().people;
}

const NO_ONE: People = new Map<string, Member>();

/** A member's name, or undefined for someone not (or no longer) on the yacht. */
export function memberName(people: People, userId: string | null | undefined): string | undefined {
  return userId ? people.get(userId.toLowerCase())?.name : undefined;
}

/** A member's name, else the start of their id. */
export function personName(people: People, userId: string): string {
  return people.get(userId.toLowerCase())?.name ?? shortId(userId);
}

export function shortId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 8)}…` : id;
}
