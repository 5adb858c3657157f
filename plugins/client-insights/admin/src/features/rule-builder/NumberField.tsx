import * as React from 'react';
import { TextInput } from '@strapi/design-system';
import { isPartialNumber, numberToText, parseNumberText, textForValue } from './numberText';

/** A number input that shows what the user types (see numberText.ts) and reports the parsed number, or null. */
export const NumberField = ({
  value,
  onChange,
  ...rest
}: {
  value: number | null | undefined;
  onChange: (value: number | null) => void;
  name: string;
  'aria-label': string;
  placeholder?: string;
}) => {
  const [text, setText] = React.useState(() => numberToText(value));
  // A value changed elsewhere replaces the text; the echo of what was typed does not.
  const shown = textForValue(text, value);
  if (shown !== text) setText(shown);
  return (
    <TextInput
      {...rest}
      inputMode="decimal"
      autoComplete="off"
      value={shown}
      onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
        const next = e.target.value;
        if (!isPartialNumber(next)) return;
        setText(next);
        onChange(parseNumberText(next));
      }}
    />
  );
};
