// Svelte 5 understands <script lang="ts"> natively; nothing to preprocess.
export default {};
