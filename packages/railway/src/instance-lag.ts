// SVC-9: the lag between a new service and its instance showing.
import { isNotFound } from "./errors";
import { railwaySettings } from "./settings";

/**
 * SVC-9: a new service's instance becomes visible a moment after
 * `serviceCreate` answers, and until then Railway answers "ServiceInstance not
 * found". Right after the create that is the lag, not a deleted service: the
 * request is sent again, a bounded number of times with growing waits.
 */
export async function whenInstanceShows<T>(send: () => Promise<T>): Promise<T> {
  const base = railwaySettings().pollIntervalMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!isNotFound(error) || attempt >= 8) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(base * 2 ** (attempt - 1), 8_000)));
    }
  }
}
