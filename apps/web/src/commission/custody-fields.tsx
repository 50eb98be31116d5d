// The custody record's fields (P-7.5 for the final lists, P-8.1 for the results): the medium, where
// it is kept and the SHA-256 of the bundle written to it, as typed on the workstation.
import { useText } from './texts.ts';

export interface CustodyInput {
  readonly medium: string;
  readonly place: string;
  readonly hash: string;
}

export const EMPTY_CUSTODY: CustodyInput = { medium: '', place: '', hash: '' };

/** The request body of a custody record from what was typed, placed now. */
export function custodyBody(v: CustodyInput): {
  medium: string;
  place: string;
  bundleSha256: string;
  placedAt: string;
} {
  return {
    medium: v.medium.trim(),
    place: v.place.trim(),
    bundleSha256: v.hash.trim().toLowerCase(),
    placedAt: new Date().toISOString(),
  };
}

export function CustodyFields({
  idPrefix,
  value,
  onChange,
}: {
  idPrefix: string;
  value: CustodyInput;
  onChange: (v: CustodyInput) => void;
}) {
  const ct = useText();
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-medium`}>{ct('custody.medium')}</label>
        <input
          id={`${idPrefix}-medium`}
          required
          value={value.medium}
          onChange={(e) => {
            onChange({ ...value, medium: e.target.value });
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-place`}>{ct('custody.place')}</label>
        <input
          id={`${idPrefix}-place`}
          required
          value={value.place}
          onChange={(e) => {
            onChange({ ...value, place: e.target.value });
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-hash`}>{ct('custody.hash')}</label>
        <input
          id={`${idPrefix}-hash`}
          required
          size={66}
          pattern="[0-9a-fA-F]{64}"
          value={value.hash}
          onChange={(e) => {
            onChange({ ...value, hash: e.target.value });
          }}
        />
      </div>
    </>
  );
}
