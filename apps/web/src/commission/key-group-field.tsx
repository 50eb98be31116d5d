// The key group a closing page works on (P-5.2, P-7.1): the groups come from the ceremonies held;
// "main" until one is known. Each key group is closed on its own, at its own time.
import { useEffect, useState } from 'react';
import { commissionApi } from './closing-api.ts';
import { useText } from './texts.ts';

export function useKeyGroups(): readonly string[] {
  const [groups, setGroups] = useState<readonly string[]>(['main']);
  useEffect(() => {
    commissionApi.ceremonies().then(
      (r) => {
        const ids = [...new Set(r.ceremonies.map((c) => c.keyGroup))];
        if (ids.length > 0) setGroups(ids);
      },
      () => undefined,
    );
  }, []);
  return groups;
}

export function KeyGroupField({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (keyGroup: string) => void;
}) {
  const ct = useText();
  const groups = useKeyGroups();
  return (
    <div className="field">
      <label htmlFor={id}>{ct('close.keyGroup')}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => {
          onChange(e.target.value);
        }}
      >
        {(groups.includes(value) ? groups : [value, ...groups]).map((g) => (
          <option key={g} value={g}>
            {g}
          </option>
        ))}
      </select>
    </div>
  );
}
